"""Damage: changed boxes become a few disjoint rectangles that cover every one of them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from host.views.window.damage import MAX_RECTS, Damage

W, H = 320, 200


def boxes(*rows: tuple[float, float, float, float]) -> npt.NDArray[np.float32]:
    return np.array(rows, np.float32).reshape(-1, 4)


def coverage(rects: npt.NDArray[np.float32]) -> npt.NDArray[np.int32]:
    """How many rectangles cover each pixel of the screen."""
    count = np.zeros((H, W), np.int32)
    for x0, y0, x1, y1 in rects.astype(int).tolist():
        count[y0:y1, x0:x1] += 1
    return count


def covered(rects: npt.NDArray[np.float32], box: npt.NDArray[np.float32]) -> bool:
    x0, y0 = np.floor(np.maximum(box[:2], 0)).astype(int)
    x1, y1 = np.ceil(np.minimum(box[2:], (W, H))).astype(int)
    return bool((coverage(rects)[y0:y1, x0:x1] > 0).all())


def test_a_new_damage_is_the_whole_screen_once() -> None:
    damage = Damage(W, H)
    assert damage.take().tolist() == [[0, 0, W, H]]
    assert damage.take().shape == (0, 4)


def test_a_column_of_ticking_cells_is_one_rectangle_around_it() -> None:
    damage = Damage(W, H)
    damage.take()
    cells = boxes(*[(100, 10 + 19 * i, 121, 24 + 19 * i) for i in range(9)])
    damage.add(cells)
    assert damage.take().tolist() == [[100, 10, 121, 24 + 19 * 8]]


def test_changes_far_apart_stay_small_separate_rectangles() -> None:
    damage = Damage(W, H)
    damage.take()
    two = boxes((4, 180, 30, 192), (280, 6, 300, 18))
    damage.add(two)
    rects = damage.take()
    assert 2 <= len(rects) <= MAX_RECTS
    assert all(covered(rects, box) for box in two)
    assert coverage(rects).max() == 1  # disjoint: no glyph is blended twice
    assert (coverage(rects) > 0).sum() < W * H // 10


def test_many_scattered_changes_become_a_few_disjoint_rectangles_covering_all() -> None:
    rng = np.random.default_rng(16)
    x, y = rng.uniform(0, W - 10, 150), rng.uniform(0, H - 10, 150)
    scattered = np.stack([x, y, x + 7, y + 12], axis=1).astype(np.float32)
    damage = Damage(W, H)
    damage.take()
    damage.add(scattered)
    rects = damage.take()
    assert 1 <= len(rects) <= MAX_RECTS
    assert coverage(rects).max() == 1
    assert all(covered(rects, box) for box in scattered)


def test_boxes_without_area_damage_nothing_and_boxes_off_screen_are_clipped() -> None:
    damage = Damage(W, H)
    damage.take()
    damage.add(boxes((50, 50, 50, 50), (10, 10, 30, 10)))  # a blank slot, a hidden rect
    assert damage.take().shape == (0, 4)
    damage.add(boxes((-20, 190, 10, 230)))
    assert damage.take().tolist() == [[0, 190, 10, H]]


def test_none_from_a_layer_damages_everything() -> None:
    damage = Damage(W, H)
    damage.take()
    damage.add(boxes((1, 1, 2, 2)))
    damage.add(None)  # a layer made its GL buffers anew
    assert damage.take().tolist() == [[0, 0, W, H]]
