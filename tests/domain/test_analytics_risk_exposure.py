"""The risk heat map has all 25 cells, zero-filled."""

from __future__ import annotations

from server.domain.analytics.risk_exposure import heat_cells


def test_heat_cells_cover_the_grid_in_order() -> None:
    # when
    cells = heat_cells({(5, 5): 2, (3, 4): 1})
    # then
    assert len(cells) == 25
    assert [(c.probability, c.impact) for c in cells[:6]] == [
        (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 1)]
    assert {(c.probability, c.impact): c.count for c in cells if c.count} == {
        (5, 5): 2, (3, 4): 1}
    assert cells[-1].score == 25
