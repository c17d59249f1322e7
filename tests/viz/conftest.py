"""Shared helpers for the viz tests: a tiny DOT reader and the seed's line example."""

from __future__ import annotations

import re

import pytest

import tinygrad_lite as torch
from tinygrad_lite import viz

NODE = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]\s*$')
EDGE = re.compile(r"^\s*(\w+) -> (\w+)")


def parse_dot(source: str, titles: bool = False) -> tuple[dict, list]:
    """Nodes (id -> (label with real newlines, attribute text)) and edges of a DOT source.
    The cluster title nodes (``title_*``) and their invisible edges are left out unless
    ``titles=True``; the legend (an HTML label) never matches."""
    nodes, edges = {}, []
    for line in source.splitlines():
        m = EDGE.match(line)
        if m:
            if titles or not m.group(1).startswith("title_"):
                edges.append((m.group(1), m.group(2)))
            continue
        m = NODE.match(line)
        if m and (titles or not m.group(1).startswith("title_")):
            nodes[m.group(1)] = (m.group(2).replace("\\n", "\n"), m.group(3))
    return nodes, edges


def line_example():
    """The seed's line: two points x = -2, 3 on y = 2x + 1, and m = b = 0."""
    m = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor([-2.0, 3.0])
    y = torch.tensor([-3.0, 7.0])
    with viz.record():
        loss = ((m * x + b - y) ** 2).mean()
    return loss, {"m": m, "b": b, "x": x, "y": y}


@pytest.fixture
def line():
    return line_example()


@pytest.fixture(scope="session")
def parse():
    return parse_dot


@pytest.fixture
def make_line():
    return line_example
