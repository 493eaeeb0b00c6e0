"""How far each worksheet of an .xlsx reaches, found before calamine reads it (#13 item 3).

calamine builds one rectangle from the first cell it finds to the last, and the importers ask
for it from A1 (``skip_empty_area=False``): a 2 KB file with a value at A1 and one at
XFD1048576 asks for 17 billion cells — the Rust allocator aborts the whole process — and one
at Z1048576 for 27 million (gigabytes). So every XML part of the zip is scanned while the safe
zip reader inflates it (``readers._inflate_checked``), in bounded memory:

- the sheet's own claim, ``<dimension ref="A1:…"/>``, is checked as soon as it is seen;
- the real cell positions are counted as calamine reads them: a cell's ``r`` attribute, or,
  for a cell without one, the cell after the previous one (in the row after the previous row).

A part written the usual way (every cell as ``<c r="B7"``) is measured with one regular
expression search per chunk: the chunk's last cell is the candidate for its farthest row and
column, and the search looks for any cell beyond it (then that chunk's references are listed
one by one) or written another way. Anything else — cells without ``r``, namespace prefixes, odd quoting — is marked
``irregular`` and read again by an XML parser (``defusedxml``) that follows calamine's rules.

The limits keep the rectangle calamine and the importer build under about 500 MB (measured:
A1 to CV200000, 20 million cells, peaks at 793 MB; 12 million at about 480 MB).
"""

from __future__ import annotations

import functools
import re
import xml.sax
from dataclasses import dataclass

from defusedxml.expatreader import DefusedExpatParser

MAX_ROWS = 300_000
MAX_COLUMNS = 256  # column IV, the old Excel limit; real exports use fewer than 100
MAX_CELLS = 12_000_000  # rows × columns from A1, e.g. 200,000 rows × 60 columns
CARRY_LIMIT = 1 << 20  # an unfinished tag longer than this is not a worksheet

FAST_CELL = b'<c r="'
IRREGULAR_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Za-z]{1,3}[0-9]{1,7}")')
PREFIXED_CELL = re.compile(rb"<[^\s<>/!?:]+:c[\s/>]")
CELL_COLUMN = re.compile(rb'<c r="([A-Za-z]{1,3})[0-9]')
CELL_ROW = re.compile(rb'<c r="[A-Za-z]{1,3}([0-9]{1,7})"')
CELL_REFERENCE = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"')
DIMENSION = re.compile(
    rb"<(?:[^\s<>/!?:]+:)?dimension\s(?:[^>]*?\s)?ref\s*=\s*[\"']([^\"'<>]*)[\"']"
)
# calamine reserves room for this many shared strings before reading one: a 2 KB file saying
# uniqueCount="2000000000" asked for 48 GB and aborted the process (found by the attack, #13)
UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']\+?([0-9]{1,40})[\"']")
MAX_STRINGS = MAX_CELLS
REFERENCE = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")


class TooManyStrings(Exception):
    """The shared-strings table declares more strings than any sheet could hold."""

    def __init__(self, declared: int):
        super().__init__(declared)
        self.declared = declared


def check_unique_count(value: str | bytes | None) -> None:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else (value or "")
    digits = text.strip().lstrip("+")
    if digits.isdigit() and int(digits) > MAX_STRINGS:
        raise TooManyStrings(int(digits))


class TooFar(Exception):
    """A part reaches past the limits; ``readers`` names the sheet and refuses the file."""

    sheet: str = ""  # set by the reader that knows the sheet's name

    def __init__(self, reach: Reach, declared: bool):
        super().__init__(reach.cell)
        self.reach = reach
        self.declared = declared


@dataclass(frozen=True)
class Reach:
    rows: int
    columns: int

    @property
    def cell(self) -> str:
        return f"{column_letters(self.columns)}{self.rows}"

    @property
    def too_far(self) -> bool:
        return (
            self.rows > MAX_ROWS
            or self.columns > MAX_COLUMNS
            or self.rows * self.columns > MAX_CELLS
        )


def column_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


@functools.lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """A cell not written ``<c r="B7"`` with B7 within column ``columns`` and row ``rows``:
    written another way (what ``IRREGULAR_CELL`` finds) or lying beyond. A row number with
    leading zeros and more digits also counts as beyond (then the cells are looked at one by
    one, which reads it right)."""
    digits = str(rows)  # fewer digits, or as many and not greater (digit by digit)
    row = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for at, digit in enumerate(digits):
        if digit != "0":
            row.append(f"{digits[:at]}[0-{int(digit) - 1}][0-9]{{{len(digits) - at - 1}}}")
    row.append(digits)
    letters = column_letters(columns)  # the same, letters in either case (as calamine)

    def case(text: str) -> str:
        return "".join(f"[{c}{c.lower()}]" for c in text)

    column = [f"[A-Za-z]{{1,{len(letters) - 1}}}"] if len(letters) > 1 else []
    for at, letter in enumerate(letters):
        if letter != "A":
            before = chr(ord(letter) - 1)
            rest = len(letters) - at - 1
            column.append(f"{case(letters[:at])}[A-{before}a-{before.lower()}][A-Za-z]{{{rest}}}")
    column.append(case(letters))
    within = f'r="(?:{"|".join(column)})(?:{"|".join(row)})"'
    return re.compile(f"<c(?=[\\s/>])(?! {within})".encode())


def parse_reference(text: str) -> tuple[int, int] | None:
    """(row, column) of ``B7`` or ``$B$7``; None when it is not a cell reference."""
    match = REFERENCE.fullmatch(text.strip())
    if not match:
        return None
    return int(match[2]), column_number(match[1])


class Scanner:
    """Fed the inflated bytes of one XML part, chunk by chunk; keeps only a few numbers."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.irregular = False
        self.dimension_seen = False
        self.carry = b""

    def feed(self, data: bytes) -> None:
        if self.irregular:  # the XML parser counts this part afterwards
            return
        if not self.carry and b"<" not in data:  # memchr: no tag starts in this chunk
            return
        buffer = self.carry + data if self.carry else data
        cut = buffer.rfind(b"<")
        if cut < 0:  # no tag starts here: nothing to count
            self.carry = b""
            return
        self.carry, chunk = buffer[cut:], buffer[:cut]
        if len(self.carry) > CARRY_LIMIT:
            self.irregular = True
            self.carry = b""
        if chunk:
            self._scan(chunk)

    def finish(self) -> Reach:
        if self.carry and not self.irregular:
            self._scan(self.carry)
            self.carry = b""
        return Reach(self.rows, self.columns)

    def _scan(self, chunk: bytes) -> None:
        if b"uniqueCount" in chunk:
            for declared in UNIQUE_COUNT.findall(chunk):
                check_unique_count(declared)
        if not self.dimension_seen and b"dimension" in chunk:
            self._dimension(chunk)
        if self.irregular:
            return
        if b":c" in chunk and PREFIXED_CELL.search(chunk):
            self.irregular = True
            return
        # The reach without listing every reference: the chunk's last cell (in a sheet as
        # written, its farthest row and, past the first row, column) is the candidate, and
        # ONE search asks whether any cell lies beyond it or is written another way; only
        # then are the cells looked at one by one (so the farthest one anywhere is found).
        at = chunk.rfind(FAST_CELL)
        if at < 0:  # no cell written the usual way: any other is for the XML parser
            self.irregular = b"<c" in chunk and bool(IRREGULAR_CELL.search(chunk))
            return
        last = CELL_REFERENCE.match(chunk, at)
        if last is None:  # a reference calamine would read differently: parse the part
            self.irregular = True
            return
        rows = max(self.rows, int(last[2]))
        columns = max(self.columns, column_number(last[1]))
        if _beyond(rows, columns).search(chunk):
            if IRREGULAR_CELL.search(chunk):
                self.irregular = True
                return
            rows = max(rows, max(map(int, set(CELL_ROW.findall(chunk)))))
            columns = max(columns, max(map(column_number, set(CELL_COLUMN.findall(chunk)))))
        self.rows, self.columns = rows, columns
        if Reach(rows, columns).too_far:
            raise TooFar(Reach(rows, columns), declared=False)

    def _dimension(self, chunk: bytes) -> None:
        match = DIMENSION.search(chunk)
        if not match:
            return
        self.dimension_seen = True
        far = match[1].decode("ascii", "replace").split(":")[-1]
        position = parse_reference(far)
        if position is not None and Reach(*position).too_far:
            raise TooFar(Reach(*position), declared=True)


class _Cells(xml.sax.ContentHandler):
    """calamine's reading of positions: ``r`` when given, else the next cell or row."""

    def __init__(self) -> None:
        super().__init__()
        self.row = 0
        self.column = 0
        self.rows = 0
        self.columns = 0

    def startElement(self, name, attrs):  # noqa: N802 - the SAX interface
        local = name.rpartition(":")[2]
        if "uniqueCount" in attrs:
            check_unique_count(attrs.get("uniqueCount"))
        if local == "dimension":
            far = parse_reference((attrs.get("ref") or "").split(":")[-1])
            if far is not None and Reach(*far).too_far:
                raise TooFar(Reach(*far), declared=True)
        elif local == "row":
            given = (attrs.get("r") or "").strip()
            self.row = int(given) if given.isdigit() else self.row + 1
            self.column = 0
        elif local == "c":
            position = parse_reference(attrs.get("r") or "")
            if position is None:  # no r: the cell after the previous one, in this row
                self.column += 1
                row = self.row
            else:
                row, self.column = position
            self.rows = max(self.rows, row)
            self.columns = max(self.columns, self.column)
            if Reach(self.rows, self.columns).too_far:
                raise TooFar(Reach(self.rows, self.columns), declared=False)


def parse_irregular(stream) -> Reach:
    """Read a part the fast scan could not count, with a real (defused) XML parser.

    ``stream`` is a file object of the inflated part (already checked against the zip-bomb
    budget); it is fed in 1 MB chunks. Malformed XML raises ``xml.sax.SAXException``."""
    parser = DefusedExpatParser(forbid_dtd=True)  # readers refused DTDs; this is a second lock
    handler = _Cells()
    parser.setContentHandler(handler)
    while chunk := stream.read(1 << 20):
        parser.feed(chunk)
    parser.close()
    return Reach(handler.rows, handler.columns)
