"""A PSD file read in two steps, for psd.py's reader: its structure first (`_Source`:
header, resources and layer records, checked before any pixel is decoded), each layer's
channels only when that layer is decoded. Also what psd-tools logs while reading
(`_PsdToolsLog`), the one reach into psd-tools' private layer attributes (`_low_level`),
and the limit on nested groups that the writer keeps too.
"""
from __future__ import annotations

import io
import logging
import os
import struct
import warnings
from typing import IO, Optional

from .errors import FileFormatError, ImageTooLarge
from .limits import LAYERS_LIMIT_FACTOR, MAX_PIXELS_ENV, check_pixel_limit, pixel_count


MAX_GROUP_DEPTH = 100     # groups inside groups, refused beyond this on open and on save


def _low_level(item) -> tuple:
    """The layer record and the channel data psd-tools keeps behind one of its layers.

    psd-tools documents `Layer._record` but offers no public accessor; this is
    the one place that reaches into it (and `_channels`), for the record's
    channel list, and to read each layer's channels from the file only when
    that layer is decoded."""
    return item._record, item._channels


class _Source:
    """A PSD file read in two steps: its structure now (psd-tools' own low-level
    readers for the header, resources and layer records), and each layer's
    channels only when that layer is decoded, so no more than one layer's
    compressed data is in memory, and none for `info`."""

    def __init__(self, path: str):
        self.path = path
        self.file: Optional[IO[bytes]] = None
        self.spans: dict[int, tuple[int, int]] = {}  # id(ChannelData) -> (offset, length)
        self.merged_at = 0
        self.merged_complete = True
        self.records: list = []
        self.image_data = None

    def __enter__(self) -> "_Source":
        self.file = open(self.path, "rb")
        return self

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()

    def read_structure(self):
        from psd_tools.psd import PSD
        from psd_tools.psd.color_mode_data import ColorModeData
        from psd_tools.psd.header import FileHeader
        from psd_tools.psd.image_data import ImageData
        from psd_tools.psd.image_resources import ImageResources
        from psd_tools.psd.layer_and_mask import (ChannelData, ChannelDataList, ChannelImageData,
                                                  LayerAndMaskInformation, LayerInfo, LayerRecords)
        from psd_tools.constants import Compression, Tag

        f = self.file
        size = os.fstat(f.fileno()).st_size
        header = FileHeader.read(f)
        color_mode_data = ColorModeData.read(f)
        resources = ImageResources.read(f, "macroman")
        length = ">" + "IQ"[header.version - 1]
        n = struct.calcsize(length)
        section = self.unpack(length)
        section_end = f.tell() + section
        layer_info = None
        info_end = f.tell()
        if section:
            info = self.unpack(length)
            info_end = f.tell() + info
            if info:
                count = self.unpack(">h")
                records = LayerRecords.read(f, count, "macroman", header.version)
                channels = ChannelImageData()
                offset = f.tell()
                for record in records:
                    stubs = ChannelDataList()
                    for channel in record.channel_info:
                        stub = ChannelData()
                        if channel.length >= 2:
                            self.spans[id(stub)] = (offset, channel.length)
                        offset += channel.length
                        stubs.append(stub)
                    channels.append(stubs)
                if offset > size:
                    raise FileFormatError(f"{self.path}: the PSD file is damaged or truncated "
                                          f"(it ends inside the pixels of its layers).")
                if offset > info_end:
                    raise FileFormatError(f"{self.path}: the PSD file is damaged (its layers' "
                                          f"channels overrun their section).")
                layer_info = LayerInfo(layer_count=count, layer_records=records,
                                       channel_image_data=channels)
        if section_end > size:
            raise FileFormatError(f"{self.path}: the PSD file is truncated (it ends inside "
                                  f"its layer section).")
        # What follows the layers (global mask, document-wide tagged blocks) is small,
        # except in 16/32-bit files, which keep their layers in a tagged block there.
        f.seek(info_end)
        rest = f.read(section_end - info_end)
        tail = LayerAndMaskInformation.read(
            io.BytesIO(struct.pack(length, len(rest) + n) + struct.pack(length, 0) + rest),
            "macroman", header.version) if section else LayerAndMaskInformation()
        tail.layer_info = layer_info
        for key in (Tag.LAYER_16, Tag.LAYER_32):
            block = tail.tagged_blocks.get_data(key) if tail.tagged_blocks else None
            if block is not None:
                layer_info = block
        self.records = list(layer_info.layer_records) if layer_info is not None else []
        f.seek(section_end)
        image_data = ImageData(compression=Compression(self.unpack(">H")))
        self.image_data = image_data
        self.merged_at = f.tell()
        self.merged_complete = self.merged_image_complete(header, image_data.compression, size)
        return PSD(header, color_mode_data, resources, tail, image_data)

    def unpack(self, fmt: str) -> int:
        data = self.file.read(struct.calcsize(fmt))
        if len(data) < struct.calcsize(fmt):
            raise FileFormatError(f"{self.path}: the PSD file is damaged or truncated "
                                  f"(it ends early).")
        return struct.unpack(fmt, data)[0]

    def merged_image_complete(self, header, compression, size: int) -> bool:
        from psd_tools.constants import Compression

        rows = header.height * header.channels
        if compression == Compression.RAW:
            expected = rows * ((header.width * header.depth + 7) // 8)
        elif compression == Compression.RLE:
            fmt = ">" + ("H" if header.version == 1 else "I") * rows
            table = self.file.read(struct.calcsize(fmt))
            if len(table) < struct.calcsize(fmt):
                return False
            expected = struct.calcsize(fmt) + sum(struct.unpack(fmt, table))
        else:
            return True  # ZIP: its length is not known in advance
        return size - self.merged_at >= expected

    def check_records(self, limit: int) -> None:
        """The pixel limit on the layers' declared sizes and the depth of the groups,
        from the records alone (before any pixel is decoded)."""
        from psd_tools.constants import SectionDivider, Tag

        total = depth = deepest = 0
        for record in self.records:
            divider = record.tagged_blocks.get_data(Tag.SECTION_DIVIDER_SETTING)
            kind = getattr(divider, "kind", None)
            if kind == SectionDivider.BOUNDING_SECTION_DIVIDER:
                depth += 1
                deepest = max(deepest, depth)
            elif kind in (SectionDivider.OPEN_FOLDER, SectionDivider.CLOSED_FOLDER):
                depth = max(0, depth - 1)
            else:
                name = record.tagged_blocks.get_data(Tag.UNICODE_LAYER_NAME, record.name)
                check_pixel_limit(self.path, record.width, record.height, limit, f"layer '{name}'")
                total += record.width * record.height
        if total > LAYERS_LIMIT_FACTOR * limit:
            raise ImageTooLarge(
                f"{self.path}: the layers hold {pixel_count(total)} pixels, over the limit of "
                f"{pixel_count(LAYERS_LIMIT_FACTOR * limit)} for all layers together "
                f"({LAYERS_LIMIT_FACTOR} x {pixel_count(limit)}); set {MAX_PIXELS_ENV} to allow "
                f"more (refused before decoding, as a possible decompression bomb).")
        if deepest > MAX_GROUP_DEPTH:
            raise FileFormatError(_too_deep(self.path, deepest))

    def load(self, channels) -> None:
        """Reads the channels of one layer from the file (they were left there)."""
        from psd_tools.constants import Compression

        for channel in channels:
            span = self.spans.get(id(channel))
            if span is None or channel.data:
                continue
            offset, length = span
            self.file.seek(offset)
            data = self.file.read(length)
            if len(data) < length:
                raise FileFormatError(f"{self.path}: the PSD file is damaged or truncated (it ends "
                                      f"inside the pixels of its layers).")
            channel.compression = Compression(struct.unpack(">H", data[:2])[0])
            channel.data = data[2:]

    def unload(self, channels) -> None:
        for channel in channels:
            if id(channel) in self.spans:
                channel.data = b""

    def load_merged(self) -> None:
        self.file.seek(self.merged_at)
        self.image_data.data = self.file.read()


class _PsdToolsLog(logging.Handler):
    """Collects what psd-tools logs while reading (instead of printing it on stderr)
    and silences its warnings; a failed channel decode is noticed by `failed_since`."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self._logger = logging.getLogger("psd_tools")
        self._warnings = warnings.catch_warnings()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0][:200])

    def failed_since(self, start: int) -> Optional[str]:
        return next((m for m in self.messages[start:] if "decode failed" in m), None)

    def __enter__(self) -> "_PsdToolsLog":
        self._logger.addHandler(self)
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc) -> None:
        self._warnings.__exit__(*exc)
        self._logger.removeHandler(self)


def _too_deep(what: str, depth: int) -> str:
    return (f"{what}: groups are nested {depth} deep; Layered keeps at most "
            f"{MAX_GROUP_DEPTH} levels of groups (Photoshop itself makes at most 10).")


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")
