"""The fast scan of a sheet's XML (``extent.Scanner``) finds the same reach as an XML parser
that reads every cell as calamine does (``extent.parse_irregular``), however the cells are
ordered and wherever the inflated part is cut into chunks: the scan takes each chunk's last
cell as the candidate and searches for any cell beyond it, so a far cell early in a chunk, a
lower-case column or a row number with leading zeros must still be counted."""

from __future__ import annotations

import io
import random

import pytest

from anju.registry.io import extent

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(rng: random.Random) -> bytes:
    rows = sorted(rng.sample(range(1, 150_000), rng.randint(1, 60)))
    cells = []
    for row in rows:
        columns = sorted(rng.sample(range(1, 60), rng.randint(1, 8)))
        cells.append([(row, column) for column in columns])
    # disorder: a cell moved to the front of the sheet or of another row
    for _ in range(rng.randint(0, 3)):
        taken = cells[rng.randrange(len(cells))]
        if taken:
            cell = taken.pop(rng.randrange(len(taken)))
            cells[rng.randrange(len(cells))].insert(0, cell)
    text = []
    for row_cells in cells:
        text.append("<row>")
        for row, column in row_cells:
            letters = extent.column_letters(column)
            if rng.random() < 0.1:
                letters = letters.lower()
            number = f"{row:0{rng.randint(1, 7)}d}" if rng.random() < 0.1 else str(row)
            text.append(f'<c r="{letters}{number}" t="n"><v>{row}</v></c>')
        text.append("</row>")
    body = "".join(text)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


@pytest.mark.parametrize("seed", range(40))
def test_the_scan_finds_the_parsers_reach_in_any_order_and_any_chunks(seed):
    rng = random.Random(seed)
    data = sheet_xml(rng)
    expected = extent.parse_irregular(io.BytesIO(data))
    scanner = extent.Scanner()
    at = 0
    while at < len(data):
        size = rng.choice((1, 7, 64, 500, 4096, 1 << 20))
        scanner.feed(data[at : at + size])
        at += size
    reach = scanner.finish()
    assert not scanner.irregular
    assert (reach.rows, reach.columns) == (expected.rows, expected.columns)


def test_a_far_cell_before_the_last_one_of_its_chunk_is_refused():
    cells = '<c r="A1"/><c r="IW2"/><c r="B3"/>'  # column 257, then a nearer last cell
    scanner = extent.Scanner()
    with pytest.raises(extent.TooFar) as far:
        scanner.feed(f"<worksheet><sheetData><row>{cells}</row></sheetData></worksheet>".encode())
        scanner.finish()
    assert (far.value.reach.rows, far.value.reach.columns) == (3, 257)
    rows = '<c r="A400000"/><c r="A2"/>'
    with pytest.raises(extent.TooFar) as far:
        extent.Scanner().feed(f"<sheetData><row>{rows}</row></sheetData>".encode())
    assert far.value.reach.rows == 400_000
