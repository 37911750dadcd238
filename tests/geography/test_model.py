"""The geography's relations (constituent districts, parents, peers, map areas): worked out once per area."""

from __future__ import annotations


def test_relations_are_worked_out_once_and_each_caller_gets_its_own_copy(demo_geography, monkeypatch):
    force = "E23999001"
    districts = demo_geography.constituent_lads(force)
    parents, peers = demo_geography.parents(force), demo_geography.peers("E10999001")
    drawn, codes, container = demo_geography.map_areas("E10999001")
    asked = []
    members = demo_geography._members
    monkeypatch.setattr(demo_geography, "_members", lambda *args: asked.append(args) or members(*args))
    # a caller changing its answer changes no one else's
    districts.append("E07999999")
    parents["region"] = "E12999999"
    peers.clear()
    codes.clear()
    assert demo_geography.constituent_lads(force) == districts[:-1]
    assert demo_geography.parents(force)["region"] != "E12999999"
    assert demo_geography.peers("E10999001") and demo_geography.map_areas("E10999001")[1]
    assert asked == []  # remembered, not filtered from the districts again
    # remembered under the code the query resolves to, however it is spelt
    assert demo_geography.constituent_lads(force.lower()) == districts[:-1]
