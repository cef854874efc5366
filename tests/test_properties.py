"""Property-based: mutated seed documents never crash the parser, and every edge stays traceable."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from kg.errors import InputError
from kg.loaders.clauses import LABEL_START, DUTY_RE
from kg.loaders.text import normalize
from kg.loaders import parse_text
from kg.pipeline import default_corpus

class _Labelled:
    @staticmethod
    def match(text: str) -> bool:
        return bool(LABEL_START.match(text) or DUTY_RE.match(text))


LABELLED = _Labelled()
SEEDS = sorted(p.read_text(encoding="utf-8") for p in default_corpus().glob("*.txt"))
NOISE = st.text(alphabet=st.sampled_from(list("（）()、，。：:；\n 　牵头负责配合单位市县区科协局委各等—─《》“”0123456789")),
                min_size=1, max_size=12)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 200)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "noise"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap":
            text = text[:i] + text[i:j].translate(str.maketrans("（）()", "）（)(")) + text[j:]
        else:
            text = text[:i] + draw(NOISE) + text[i:]
    return text


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutations_never_crash_and_spans_hold(text):
    try:
        parsed = parse_text(text, "mutated.txt")
    except InputError:
        return  # a clear, named refusal (e.g. nothing left to read) is an acceptable outcome
    g = parsed.graph
    ids = [x.id for x in g.actions + g.tasks]
    assert len(ids) == len(set(ids))
    targets = set(ids)
    for r in g.responsibilities:
        assert r.target_id in targets
        clause = text[r.prov.start:r.prov.end]
        assert clause == r.prov.text
        # a bracketed clause, or a labelled one (牵头单位：… left after a bracket was deleted)
        assert (clause[:1] in "（(〔【[［" and clause[-1:] in "）)〕】]］") or LABELLED.match(normalize(clause)), clause
        squeezed = "".join(clause.split())
        assert r.mention in squeezed or r.mention in clause
