"""No import circle among the modules of bot/ and handlers/: each module can be read
before every module that imports it, so none needs an import hidden inside a function
to load. import-linter checks packages against each other; this checks every module,
with the graph import-linter itself builds (grimp), imports made for type checking and
inside functions included."""

from __future__ import annotations

import grimp

ROOTS = ("bot", "handlers")


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module, or a module importing itself
    (Tarjan's algorithm, iterative: the graph has a few hundred modules)."""
    modules = sorted(m for m in graph.modules if m.startswith(ROOTS))
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m)
                       if n.startswith(ROOTS)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for position in range(next_edge, len(edges[node])):
                target = edges[node][position]
                if target not in index:
                    work += [(node, position + 1), (target, 0)]
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in edges[node]:
                        found.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return found


def test_no_module_of_bot_or_handlers_is_in_an_import_circle() -> None:
    graph = grimp.build_graph(*ROOTS, cache_dir=None)
    assert _circles(graph) == []


def test_the_check_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("bot.a", "bot.b", "bot.c", "bot.d"):
        graph.add_module(name)
    graph.add_import(importer="bot.a", imported="bot.b")
    graph.add_import(importer="bot.b", imported="bot.c")
    graph.add_import(importer="bot.c", imported="bot.a")
    graph.add_import(importer="bot.c", imported="bot.d")
    assert _circles(graph) == [["bot.a", "bot.b", "bot.c"]]
