"""PostgreSQL's binary COPY format, written from Arrow columns with numpy (no loop per row).

Loading typed values in binary spares the server from parsing every date, amount and id out
of text: on this machine a first import's COPY is about 30 % faster than the same rows as CSV,
and the COPY is the slowest stage of the pipelined import.

The format (PostgreSQL manual, "COPY … Binary Format"): a signature and two int32 header
fields, then per row an int16 field count and per field an int32 byte length (-1 for NULL)
followed by the value in the type's send format (big-endian), and an int16 -1 at the end.
`encode` builds each row from pieces (runs of fixed-width bytes as one matrix, text and
nullable values as binary arrays) and lets Arrow join them row by row.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # flags 0, no header extension
TRAILER = b"\xff\xff"

INT8, INT2, DATE, NUMERIC2, TEXT = "int8", "int2", "date", "numeric2", "text"
_POSTGRES_EPOCH = 10957  # 2000-01-01 in days since 1970-01-01
_INTEGER = {INT8: ">i8", INT2: ">i2"}


def _fixed(column, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(n, width) bytes of the values in send format, and whether each value is present."""
    n = len(column)
    present = np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=bool)
    if kind in (INT8, INT2):
        values = pc.fill_null(column, 0).to_numpy().astype(_INTEGER[kind]).view(np.uint8).reshape(n, -1)
    elif kind == DATE:
        days = pc.fill_null(column, 0).cast(pa.int32()).to_numpy() - _POSTGRES_EPOCH
        values = days.astype(">i4").view(np.uint8).reshape(n, 4)
    elif kind == NUMERIC2:
        values = _numeric2(pc.fill_null(column, 0.0).to_numpy())
    else:
        raise ValueError(kind)
    return values, present


def _numeric2(amounts: np.ndarray) -> np.ndarray:
    """numeric with two decimals (|value| < 10^12) as four base-10000 digits, weight 2: the
    integer part in three digits, the cents in the fourth. The server strips leading zeros."""
    cents = np.rint(amounts * 100).astype(np.int64)
    whole, fraction = np.divmod(np.abs(cents), 100)
    words = np.empty((len(cents), 8), dtype=">i2")
    words[:, 0] = 4  # ndigits
    words[:, 1] = 2  # weight of the first digit (10000^2)
    words[:, 2] = np.where(cents < 0, 0x4000, 0)  # sign
    words[:, 3] = 2  # display scale
    words[:, 4] = whole // 100_000_000
    words[:, 5] = (whole // 10_000) % 10_000
    words[:, 6] = whole % 10_000
    words[:, 7] = fraction * 100
    return words.view(np.uint8).reshape(len(cents), 16)


def _binary(sizes: np.ndarray, data: np.ndarray) -> pa.Array:
    """Binary values of the given byte sizes, cut one after another from `data` (no copy)."""
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(sizes),
                                            [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))])


def _length_prefix(lengths: np.ndarray) -> np.ndarray:
    return lengths.astype(">i4").view(np.uint8).reshape(len(lengths), 4)


def encode(table: pa.Table, kinds: list[str]) -> pa.Buffer:
    """The rows of `table` (its columns in order, of the given kinds) as binary COPY rows,
    without the signature and trailer (so slices of one load can be sent one after another).

    Each row is a sequence of pieces: runs of fixed-width bytes (field count, length prefixes,
    values that are never NULL) gathered into one (n, width) matrix, and variable pieces (text,
    values that may be NULL). Arrow joins the pieces row by row in one pass."""
    n = table.num_rows
    if n == 0:
        return pa.py_buffer(b"")
    pieces, fixed = [], [np.frombuffer(len(kinds).to_bytes(2, "big"), np.uint8)[None, :].repeat(n, axis=0)]

    def flush():
        if fixed:
            block = np.hstack(fixed)
            pieces.append(_binary(np.full(n, block.shape[1]), block))
            fixed.clear()

    for column, kind in zip(table.columns, kinds, strict=True):
        if kind == TEXT:
            array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            array = pc.fill_null(array, "").cast(pa.large_binary())
            fixed.append(_length_prefix(pc.binary_length(array).to_numpy()))
            flush()
            pieces.append(array)
            continue
        values, present = _fixed(column, kind)
        width = values.shape[1]
        if present.all():
            fixed.append(_length_prefix(np.full(n, width)))
            fixed.append(values)
            continue
        fixed.append(_length_prefix(np.where(present, width, -1)))
        flush()
        pieces.append(_binary(np.where(present, width, 0), values[present]))
    flush()
    rows = pc.binary_join_element_wise(*pieces, pa.scalar(b"", pa.large_binary()))
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    return rows.buffers()[2][offsets[0]:offsets[-1]]
