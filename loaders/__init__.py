"""Loaders: files → decoded text → outline and role clauses → a typed kg Graph."""
from kg.loaders.decode import Decoded, decode_bytes, decode_file
from kg.loaders.document import Parsed, parse_bytes, parse_file, parse_path, parse_text

__all__ = ["Decoded", "Parsed", "decode_bytes", "decode_file", "parse_bytes", "parse_file", "parse_path", "parse_text"]
