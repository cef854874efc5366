"""The query library on the seed graph: concrete answers read from the documents."""
from __future__ import annotations

import pytest

from kg.cypher_guard import QueryRefused
from kg.errors import QueryError
from kg.library import bind, get_query, list_queries, run_named
from kg.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def store(tmp_path_factory, seed_graph):
    s = EmbeddedStore(tmp_path_factory.mktemp("q") / "db")
    s.load(seed_graph)
    yield s
    s.close()


def q(store, query_name, **params):
    return run_named(store, query_name, params).records()


def test_library_has_every_question_with_headers():
    names = {x.name for x in list_queries()}
    assert len(names) >= 15
    for query in list_queries():
        assert query.question and query.text.startswith("// question:")
        assert "$" not in query.question


def test_who_answers_for_a_task(store):
    rows = q(store, "task_responsibility", text="智慧助老")
    tasks = {(r["document"][:3], r["task"]) for r in rows}
    assert tasks == {("临沂市", "实施智慧助老行动"), ("友谊县", "实施智慧助老行动")}
    linyi = {r["unit"] for r in rows if r["document"].startswith("临沂")}
    assert linyi == {"市委宣传部", "市委网信办", "市委老干部局", "市工信局", "市民政局", "市卫健委", "市科协"}
    assert all(r["role"] == "RESPONSIBLE_FOR" for r in rows)


def test_which_youyi_units_lead_the_youth_action(store):
    rows = q(store, "accountability_matrix", document="友谊县")
    youth = [r for r in rows if r["action"] == "青少年科学素质提升行动"]
    assert len(youth) == 4
    assert sorted(youth[0]["action_leads"]) == ["友谊县教育和体育局", "友谊县科学技术协会"]


def test_units_sharing_most_tasks_with_linyi_science_association(store):
    rows = q(store, "partners", name="市科协")
    assert {r["organization"] for r in rows} == {"临沂市科学技术协会"}
    assert rows[0] == {"organization": "临沂市科学技术协会", "partner": "中共临沂市委宣传部", "shared": 8}
    assert {r["partner"] for r in rows[1:3]} == {"临沂市卫生健康委员会", "临沂市教育局"}
    assert rows[1]["shared"] == rows[2]["shared"] == 7


def test_lixia_tasks_led_by_the_district_science_association(store):
    rows = q(store, "organization_responsibilities", name="区科协")
    led = [r for r in rows if r["role"] == "LEADS"]
    assert len(led) == 22 and all(r["level"] == "Task" for r in led)
    assert "推进全民终身教育" in {r["title"] for r in led}
    assert {r["organization"] for r in rows} == {"历下区科学技术协会"}


def test_workload_ranking(store):
    rows = q(store, "workload", limit=3)
    assert rows[0] == {"organization": "友谊县科学技术协会", "jurisdiction": "友谊县", "leads": 4, "responsible": 31, "total": 35}
    per_doc = q(store, "workload_by_document", document="临沂")
    assert {r["document"] for r in per_doc} == {"临沂市“十四五”全民科学素质行动规划纲要实施方案"}
    assert per_doc[0]["organization"] == "临沂市科学技术协会" and per_doc[0]["total"] == 19
    assert per_doc == [r for r in q(store, "workload_by_document") if r["document"].startswith("临沂")]


def test_co_responsibility_pairs(store):
    rows = q(store, "co_responsibility", limit=1)
    assert rows == [{"organization_a": "历下区科学技术协会", "organization_b": "各成员单位", "shared": 22}]


def test_unowned_and_crowded_tasks(store):
    assert q(store, "tasks_without_units") == []
    assert q(store, "tasks_lead_only") == []
    crowded = q(store, "tasks_with_many_units", n=13)
    assert {r["task"] for r in crowded} == {"推动校内外科学教育资源有效贯通", "推进科普教育基地建设"}
    no_units = q(store, "actions_without_units")
    assert {r["document"][:4] for r in no_units} >= {"2024", "省科协系"}
    assert ("组织领导" in {r["action"] for r in no_units})


def test_sector_across_jurisdictions(store):
    rows = q(store, "sector_across_jurisdictions", sector="教育")
    assert {r["jurisdiction"] for r in rows} == {"临沂市", "友谊县", "历下区"}
    assert {"临沂市教育局", "友谊县教育和体育局", "历下区教育和体育局"} <= {r["organization"] for r in rows}


def test_collectives_and_overview(store):
    rows = q(store, "collective_assignments")
    assert {(r["collective"], r["assignments"]) for r in rows} == {
        ("各成员单位", 26), ("各街道办事处", 14), ("各市属院校", 6), ("驻临高校", 5)}
    docs = {r["jurisdiction"]: r for r in q(store, "documents_overview")}
    assert (docs["友谊县"]["actions"], docs["友谊县"]["tasks"], docs["友谊县"]["edges"]) == (13, 35, 161)
    assert docs["全国"]["edges"] == 0


def test_actions_overview_and_neighbourhood(store):
    rows = q(store, "actions_overview", document="友谊县")
    assert len(rows) == 13 and {r["document"] for r in rows} == {"友谊县全民科学素质行动规划纲要实施方案（2021—2025年）"}
    assert rows == q(store, "actions_overview", document="df382ac3fe9f48c6")  # the document's id
    assert rows == [r for r in q(store, "actions_overview") if r["document"].startswith("友谊县")]
    farmers = next(r for r in rows if r["action"] == "农民科学素质提升行动")
    assert farmers["leads"] == ["友谊县农业农村局"] and farmers["tasks"] == 4
    near = q(store, "organization_neighbourhood", name="团县委")
    assert all(r["organization"] == "共青团友谊县委员会" for r in near)
    assert {r["neighbour"] for r in near if r["distance"] == 1} >= {"友谊县科学技术协会", "友谊县妇女联合会"}


def test_citations_and_provenance(store, seeds_dir):
    cites = q(store, "document_citations")
    assert ("友谊县", "全民科学素质行动规划纲要（2021—2035年）") in {(r["jurisdiction"], r["cited"]) for r in cites}
    prov = q(store, "edge_provenance", name="县农业农村局", title="农民科学素质提升行动")
    assert len(prov) == 1 and prov[0]["role"] == "LEADS"
    text = (seeds_dir / prov[0]["file"]).read_text(encoding="utf-8")
    assert text[prov[0]["start"]:prov[0]["end"]] == prov[0]["clause"] == "（牵头单位：县农业农村局）"


def test_organizations_in_many_documents_and_deadlines_run(store):
    assert q(store, "organizations_in_many_documents") == []  # the seeds share no unit across plans
    assert q(store, "deadlines") == []  # and state no deadlines


def test_documents_overview_pages_in_jurisdiction_order(store):
    first = q(store, "documents_overview", limit=2)
    assert [(r["jurisdiction"], r["actions"], r["tasks"], r["organizations"], r["edges"]) for r in first] == [
        ("临沂市", 12, 21, 35, 141), ("全国", 14, 0, 0, 0)]
    assert q(store, "documents_overview", document="友谊县")[0]["organizations"] == 24
    assert q(store, "documents_overview", limit=0) == []


def test_sector_and_targets_page_from_the_first_rows(store, aligned):
    first = q(store, "sector_across_jurisdictions", sector="教育", limit=3)
    assert [(r["organization"], r["title"]) for r in first] == [
        ("临沂市教育局", "加强基础教育阶段科学教育"), ("临沂市教育局", "推动校内外科学教育资源有效贯通"),
        ("临沂市教育局", "实施职业技能提升行动")]
    top = q(aligned, "targets", limit=1)
    assert [(r["target"], r["owner"], r["value"]) for r in top] == [("每年培训科技辅导员150人次以上", "推动校内外科学教育资源有效贯通", 150.0)]
    assert {r["document"][:3] for r in q(aligned, "targets", document="友谊县")} == {"友谊县"}


def _canon(rows):
    return [tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in row) for row in rows]


PAGED = sorted(x.name for x in list_queries() if "limit" in {p.name for p in x.params})
REQUIRED = {"n": 5, "sector": "教育", "name": "县科协", "text": "提升行动", "title": "提升行动", "document": "友谊县"}


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGED)
def test_a_page_is_the_head_of_the_whole_listing(aligned, name):
    """limit=k gives the first k rows of the whole ordered listing (the queries that pick the first documents or
    organizations before counting must not change the answer; LadybugDB drops an ORDER BY that an aggregate follows)."""
    params = {p.name: REQUIRED[p.name] for p in get_query(name).params if p.required}
    whole = _canon(run_named(aligned, name, {**params, "limit": 100000}).rows)
    for k in (0, 1, 2, 3, 7, 20):
        assert _canon(run_named(aligned, name, {**params, "limit": k}).rows) == whole[:k], k


def test_optional_parameters_have_defaults():
    matrix = get_query("actions_overview")
    assert [(p.name, p.type, p.default, p.required) for p in matrix.params] == [
        ("document", "string", "", False), ("limit", "int", 100, False)]
    assert [p.signature() for p in matrix.params] == ['document (string, default "")', "limit (int, default 100)"]
    assert bind(matrix, {}) == {"document": "", "limit": 100}
    assert bind(matrix, {"limit": "5"}) == {"document": "", "limit": 5}
    assert bind(get_query("tasks_with_many_units"), {"n": "3"}) == {"n": 3, "limit": 100}
    with pytest.raises(QueryError, match="needs the parameter n"):
        bind(get_query("tasks_with_many_units"), {"limit": 3})
    with pytest.raises(QueryError, match="limit must be 0 or more"):
        bind(matrix, {"limit": -1})


def test_a_blank_required_text_is_refused_not_run():
    """LadybugDB says `'abc' CONTAINS ''` is false, Neo4j true: a blank required text would find nothing on
    one backend and every task on the other, so it is refused before either runs it (the SPARQL twins too)."""
    from kg.sparql import run_sparql, sparql_store

    for name, params in (("task_responsibility", {"text": ""}), ("accountability_matrix", {"document": "  "}),
                         ("organization_lookup", {"name": ""}), ("task_lineage", {"text": "\t"})):
        with pytest.raises(QueryError, match="must not be empty"):
            bind(get_query(name), params)
        with pytest.raises(QueryError, match="must not be empty"):
            run_sparql(sparql_store(), name, params)
    assert bind(get_query("actions_overview"), {"document": ""})["document"] == ""  # optional: "" means every one


def test_parameters_are_checked():
    with pytest.raises(QueryError, match="needs the parameter"):
        bind(get_query("partners"), {})
    with pytest.raises(QueryError, match="takes no parameter"):
        bind(get_query("partners"), {"name": "x", "evil": "y"})
    with pytest.raises(QueryError, match="integer"):
        bind(get_query("workload"), {"limit": "ten"})
    with pytest.raises(QueryError, match="no cypher query named"):
        get_query("nope")


@pytest.mark.parametrize("hostile", ["'}) DETACH DELETE n //", "x\" OR 1=1 //", "{}}{", "市科协'); MATCH (n) DETACH DELETE n;"])
def test_hostile_parameters_are_data(store, hostile):
    before = store.stats()
    for name in ("partners", "organization_responsibilities", "organization_neighbourhood"):
        assert q(store, name, name=hostile) == []
    assert q(store, "task_responsibility", text=hostile) == []
    assert store.stats() == before


def test_read_only_refuses_writes(store):
    with pytest.raises(QueryRefused, match="DETACH"):
        store.run("MATCH (o:Organization) DETACH DELETE o")
    assert store.stats()["organizations"] == 82


@pytest.fixture(scope="module")
def aligned(tmp_path_factory, seed_graph):
    from kg.align import align

    s = EmbeddedStore(tmp_path_factory.mktemp("qa") / "db")
    s.load(seed_graph)
    s.replace_alignments(align(seed_graph))
    yield s
    s.close()


def test_targets_with_the_units_that_answer_for_them(aligned):
    rows = q(aligned, "targets")
    assert len(rows) == 10
    farmers = next(r for r in rows if r["target"] == "培育高素质农民1.5万人次以上")
    assert (farmers["value"], farmers["unit"], farmers["comparator"], farmers["level"]) == (15000.0, "人次", "以上", "Task")
    assert farmers["owner"] == "培育高素质农民队伍"
    assert sorted(farmers["units"]) == sorted(["临沂市人力资源和社会保障局", "临沂市农业农村局", "临沂市农业科学院",
                                               "共青团临沂市委员会", "临沂市妇女联合会", "临沂市科学技术协会"])
    share = next(r for r in rows if "12.5" in r["target"])
    assert share["level"] == "Document" and share["deadline"] == "到2025年" and share["units"] == []


def test_leading_group_members(aligned):
    rows = q(aligned, "leading_group")
    assert len(rows) == 24 and {r["leading_group"] for r in rows} == {"友谊县全民科学素质工作领导小组"}
    assert rows[0] == {"leading_group": "友谊县全民科学素质工作领导小组", "document": rows[0]["document"],
                       "person": "王屾", "role": "组长", "post": "县政府副县长", "unit": "友谊县人民政府"}
    assert sum(r["role"] == "成员" for r in rows) == 22


def test_citations_and_the_shared_placeholder(aligned):
    rows = q(aligned, "citations")
    assert len(rows) == 7 and all(r["loaded_document"] is None for r in rows)  # none of the cited plans is loaded
    shandong = {r["cited_id"] for r in rows if r["cited"].startswith("山东省")}
    assert len(shandong) == 1  # 临沂 and 历下区 cite one plan, spelled two ways


def test_task_lineage_follows_a_national_item_down(aligned):
    rows = q(aligned, "task_lineage", text="实施老年人科学素质提升行动")
    assert {r["jurisdiction"] for r in rows} == {"临沂市", "友谊县", "济南市历下区"}
    youyi = next(r for r in rows if r["jurisdiction"] == "友谊县")
    assert youyi["item"] == "老年人科学素质提升行动" and youyi["item_units"] == ["友谊县卫生健康局"]
    assert "友谊县民政局" in youyi["task_units"]
    helpers = q(aligned, "task_lineage", text="智慧助老")
    assert [(r["jurisdiction"], r["item"]) for r in helpers] == [("友谊县", "实施智慧助老行动")]


@pytest.mark.slow
def test_a_cited_document_merges_with_its_placeholder_when_it_is_loaded(tmp_path, seed_files):
    """临沂 and 历下区 cite the 山东省 plan (spelled two ways); once a file with that title loads, both point to it."""
    from kg.build import build

    shandong = tmp_path / "shandong.txt"
    shandong.write_text(
        "山东省人民政府办公厅\n2022年1月5日\n山东省全民科学素质行动规划纲要实施方案（2021—2025年）\n"
        "为贯彻落实《全民科学素质行动规划纲要（2021—2035年）》，制定本实施方案。\n一、提升行动\n"
        "（一）青少年科学素质提升行动\n1.加强科学教育。开展活动。（责任单位：省教育厅、省科协）\n", encoding="utf-8")
    with EmbeddedStore(tmp_path / "db") as store:
        build(store, list(seed_files) + [shandong])
        rows = run_named(store, "citations", {}).records()
        loaded = {(r["jurisdiction"], r["loaded_document"]) for r in rows if r["cited"].startswith("山东省")}
        assert loaded == {("临沂市", "山东省全民科学素质行动规划纲要实施方案（2021—2025年）"),
                          ("济南市历下区", "山东省全民科学素质行动规划纲要实施方案（2021—2025年）")}
        shandong_doc = next(r for r in rows if r["document"].startswith("山东省"))
        assert shandong_doc["jurisdiction"] == "山东省" and shandong_doc["loaded_document"] is None
        lineage = run_named(store, "task_lineage", {"text": "青少年科学素质提升行动"}).records()
        assert "山东省全民科学素质行动规划纲要实施方案（2021—2025年）" in {r["from_document"] for r in lineage}


PARAMS_ALL = {"text": "提升行动", "name": "县科协", "n": 2, "document": "县", "sector": "教育", "title": "提升行动",
              "jurisdiction": ""}


@pytest.mark.slow
def test_every_query_answers_the_same_whatever_order_the_documents_were_loaded_in(tmp_path, seed_graph):
    """The same documents give the same answers, row for row and list cell for list cell: a collect() is
    ordered before it collects (ties broken by id), so no answer depends on where the engine stored a row."""
    from kg.align import align
    from kg.build import split_graph

    alignments = align(seed_graph)
    answers = []
    for k, order in enumerate((1, -1)):
        with EmbeddedStore(tmp_path / f"db{k}") as s:
            for part in split_graph(seed_graph, 1)[::order]:
                s.load(part)
            s.replace_alignments(alignments)
            got = {}
            for q in list_queries():
                params = {p.name: PARAMS_ALL[p.name] for p in q.params if p.name in PARAMS_ALL}
                got[q.name] = run_named(s, q.name, params, hints=False).rows
            answers.append(got)
    assert answers[0] == answers[1]
    assert sum(len(v) for v in answers[0].values()) > 500
