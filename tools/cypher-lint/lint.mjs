#!/usr/bin/env node
// Checks .cypher files with Neo4j's own Cypher parser and semantic analysis
// (@neo4j-cypher/language-support), since Neo4j itself cannot run on our machines.
//
//   node lint.mjs [--json] [--schema SCHEMA.json] [--strict-schema] [--strict-portable] FILE.cypher ...
//
// Prints one line per problem: FILE:LINE:COL: error|warning: message. Exit 1 on any error.
// Parameters ($name) are values supplied at run time, so "Parameter ... is not defined" is
// never reported. Functions are checked against Neo4j's built-in list. Labels, relationship
// types and properties are checked against the kg schema given with --schema: a name outside it is a
// warning; with --strict-schema an unknown label or relationship type is an error (labels come
// from the ontology, never from text).
// Constructs outside the portable Cypher subset are warnings, errors with --strict-portable.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

// The kg property-graph schema comes from kg itself (`kg schema --cypher-lint > schema.json`,
// derived from the model by kg/store/schema.py), so it cannot drift from what the stores hold.
// Without --schema FILE, labels, relationship types and properties are not checked.
export function readSchema(file) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  for (const k of ['labels', 'relationshipTypes', 'propertyKeys']) {
    if (!Array.isArray(s[k])) throw new Error(`${file}: "${k}" is not a list`);
  }
  return { labels: s.labels, relationshipTypes: s.relationshipTypes, propertyKeys: s.propertyKeys };
}

// Neo4j's built-in functions, from the package's own function registry; without a registry
// the checker accepts any function name, with it a misspelt one (toLowr) is an error.
function builtinFunctions() {
  const out = {};
  for (const [version, fns] of Object.entries(testData.mockSchema.functions ?? {})) {
    out[version] = Object.fromEntries(
      Object.entries(fns).filter(([name]) => !name.startsWith('apoc.') && !name.startsWith('gds.')),
    );
  }
  return out;
}

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
const isParamNotDefined = (d) => /^Parameter \S+ is not defined\.?$/.test(d.message);
// --strict-schema: an unknown label or relationship type is an error. Unknown properties stay
// warnings: the checker cannot tell a node's property from a key of an UNWIND $rows map.
const isSchemaWarning = (d) => /^(Label|Relationship type) \S+ is not present in the database/.test(d.message);

// Constructs outside the portable subset that runs on both LadybugDB and Neo4j
// (shared/DESIGN.md, "Portable Cypher"). Found on the text with comments, strings and
// `quoted` names blanked out; reported as warnings, or errors with --strict-portable.
const NOT_PORTABLE = [
  [/\b(labels|type|substring|shortestPath|allShortestPaths)\s*\(/gi, (m) => `${m[1]}() is not portable to LadybugDB`],
  [/\b(COUNT|EXISTS|COLLECT)\s*\{/gi, (m) => `${m[1].toUpperCase()} { } subqueries are not portable to LadybugDB`],
  [/\[\s*[A-Za-z_]\w*\s+IN\b/gi, () => 'list comprehensions are not portable to LadybugDB'],
  [/\*\s*(\d+\s*\.\.\s*)?\]/g, () => 'unbounded variable-length path: give an upper bound (*1..3)'],
  [/[\w)\]]\[\s*-?\d+\s*\]/g, () => 'list indexing is 1-based on LadybugDB, 0-based on Neo4j'],
];

function blankOut(text) {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`[^`]*`/g,
    (m) => m.replace(/[^\n]/g, ' '));
}

export function portability(text) {
  const bare = blankOut(text);
  const out = [];
  for (const [re, say] of NOT_PORTABLE) {
    for (const m of bare.matchAll(re)) {
      const before = bare.slice(0, m.index);
      const line = before.split('\n').length;
      const column = m.index - before.lastIndexOf('\n');
      out.push({ line, column, severity: 'warning', message: say(m), portable: true });
    }
  }
  return out;
}

export function lintText(text, { strictSchema = false, strictPortable = false, kgSchema = {} } = {}) {
  const schema = { ...kgSchema, functions: builtinFunctions(), procedures: testData.mockSchema.procedures };
  const { diagnostics } = lintCypherQuery(text, schema, { consoleCommandsEnabled: false });
  const out = [];
  for (const d of diagnostics) {
    if (isParamNotDefined(d)) continue;
    let severity = SEVERITY[d.severity] ?? 'error';
    if (strictSchema && severity === 'warning' && isSchemaWarning(d)) severity = 'error';
    out.push({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity,
      message: d.message.replace(/\s+/g, ' ').trim(),
    });
  }
  for (const d of portability(text)) out.push({ ...d, severity: strictPortable ? 'error' : 'warning' });
  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}

function main(argv) {
  const args = argv.slice(2);
  const json = args.includes('--json');
  const strictSchema = args.includes('--strict-schema');
  const strictPortable = args.includes('--strict-portable');
  const at = args.indexOf('--schema');
  const schemaFile = at >= 0 ? args[at + 1] : undefined;
  const files = args.filter((a, i) => !a.startsWith('--') && !(at >= 0 && i === at + 1));
  if (files.length === 0 || (at >= 0 && !schemaFile)) {
    console.error('usage: node lint.mjs [--json] [--schema SCHEMA.json] [--strict-schema] [--strict-portable] FILE.cypher ...');
    return 2;
  }
  if (strictSchema && !schemaFile) {
    console.error('cypher-lint: --strict-schema needs --schema FILE (`kg schema --cypher-lint > FILE`)');
    return 2;
  }
  let kgSchema = {};
  try {
    if (schemaFile) kgSchema = readSchema(schemaFile);
  } catch (e) {
    console.error(`${schemaFile}: cannot read the schema: ${e.message}`);
    return 2;
  }
  let errors = 0;
  let warnings = 0;
  const all = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      console.error(`${file}: cannot read: ${e.message}`);
      errors += 1;
      continue;
    }
    if (text.trim().length === 0) {
      all.push({ file, line: 1, column: 1, severity: 'error', message: 'empty file: no statement' });
      errors += 1;
      continue;
    }
    for (const d of lintText(text, { strictSchema, strictPortable, kgSchema })) {
      all.push({ file, ...d });
      if (d.severity === 'error') errors += 1;
      else if (d.severity === 'warning') warnings += 1;
    }
  }
  if (json) {
    console.log(JSON.stringify(all, null, 1));
  } else {
    for (const d of all) console.log(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
    console.error(`cypher-lint: ${files.length} file(s), ${errors} error(s), ${warnings} warning(s)`);
  }
  return errors > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('lint.mjs')) {
  process.exitCode = main(process.argv);
}
