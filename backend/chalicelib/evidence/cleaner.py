"""Clean a photo or a PDF sent as evidence, so that nothing but what it shows leaves it.

`clean(data)` takes the bytes alone (never a file name or a declared type) and returns a
`Cleaned` or raises `Refused` (codes and statuses in `contract.py`):

- The type is sniffed from the first bytes: JPEG, PNG, WebP or PDF, each at offset 0 (a PDF
  preceded by anything is refused, so no HTML or ZIP rides in front of it). Anything else, SVG
  and HTML included, is `unsupported_type`.
- Photos are decoded (Pillow, restricted to the sniffed format) and drawn again into a new
  image: the EXIF orientation is applied first, the colours are converted to sRGB when a profile
  came with them, the longest side is capped (2,000 px), and the new image is encoded with no
  metadata at all (no EXIF and so no GPS, no XMP, IPTC, ICC profile, comments, text chunks, or
  bytes after the end of the image: none of the original bytes are copied). An animated image
  keeps its first frame, as the phone's canvas does when it re-encodes. Width x height above
  `max_pixels` is a decompression bomb, checked from the header before anything is decoded.
- PDFs (pikepdf) are refused when encrypted, or when any object holds JavaScript, an additional
  action (/AA), an action other than going to a page, a web or mail link or the four standard
  page turns (Launch, SubmitForm, ImportData, GoToR/E, Rendition, ...), an /OpenAction other than
  an initial view, an XFA form, multimedia or 3D, or an embedded file; an image above
  `max_pixels` or Flate streams that inflate beyond `max_stream_bytes` are bombs. What passes is
  copied page by page into a new document: the Info dictionary, XMP, the catalogue (forms,
  outlines, names), thumbnails, private application data and annotation authors and dates are
  left behind, and so are earlier revisions and bytes after the end; JPEG and JPEG 2000 images
  lose their metadata segments and boxes (a scanner app embeds the camera's JPEG, GPS and all),
  losslessly; other streams are copied as they are (never inflated); a document ID is derived
  from the content; saved linearised. Walking the objects goes through qpdf's JSON (`_Graph`).

`render_pages()` draws pages of a cleaned PDF as images (pypdfium2: PDFium without JavaScript or
XFA), so staff read a contract without opening a live PDF.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal, cast

import pikepdf
import pypdfium2
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from chalicelib.evidence.contract import (
    DEFAULT_LIMITS,
    RENDER_MAX_PAGES_PER_CALL,
    RENDER_MAX_WIDTH,
    RENDER_MIN_WIDTH,
    Cleaned,
    Limits,
    MediaType,
    PageFormat,
    Refusal,
    Refused,
)

# Pillow's own bomb check at our limit, and an error, not a warning (see `_clean_image`).
Image.MAX_IMAGE_PIXELS = DEFAULT_LIMITS.max_pixels

ImageFormat = Literal["JPEG", "PNG", "WEBP"]


@dataclass(frozen=True)
class _Type:
    media_type: MediaType
    image_format: ImageFormat | None  # None: a PDF


_JPEG = _Type("image/jpeg", "JPEG")
_PNG = _Type("image/png", "PNG")
_WEBP = _Type("image/webp", "WEBP")
_PDF = _Type("application/pdf", None)


def sniff(data: bytes) -> _Type | None:
    """The type the bytes say they are, by their signature at offset 0 only."""
    if data.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if len(data) >= 16 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _WEBP
    if data.startswith(b"%PDF-"):
        return _PDF
    return None


def clean(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Cleaned:
    if not data:
        raise Refused(Refusal.EMPTY, "no bytes")
    if len(data) > limits.max_bytes:
        raise Refused(Refusal.TOO_LARGE, f"{len(data)} bytes, at most {limits.max_bytes}")
    found = sniff(data)
    if found is None:
        raise Refused(Refusal.UNSUPPORTED_TYPE, "not a JPEG, PNG, WebP or PDF signature")
    if found.image_format is None:
        return _clean_pdf(data, limits)
    return _clean_image(data, found, found.image_format, limits)


# ---- photos ---------------------------------------------------------------------------------

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _clean_image(data: bytes, found: _Type, image_format: ImageFormat, limits: Limits) -> Cleaned:
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a process-wide switch: a truncated file must stay an error
        raise RuntimeError("ImageFile.LOAD_TRUNCATED_IMAGES is on: the cleaner refuses to run with it")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = _decode(data, image_format, limits)
        picture = _to_srgb(picture)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise Refused(Refusal.DECOMPRESSION_BOMB, "the image decodes beyond the pixel limit") from None
    except UnidentifiedImageError:
        raise Refused(Refusal.MALFORMED, "the image cannot be identified") from None
    except Exception:  # a hostile file can make any decoder raise anything: all of it is the file's fault
        raise Refused(Refusal.MALFORMED, "the image cannot be decoded") from None
    # A new image from the pixels alone: no `info` (EXIF, XMP, ICC, comments, text) can follow.
    fresh = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    encoded, media_type = _encode(fresh, found, limits)
    return Cleaned(kind="photo", media_type=media_type, data=encoded, width=fresh.width, height=fresh.height)


def _decode(data: bytes, image_format: ImageFormat, limits: Limits) -> Image.Image:
    """Decoded pixels, upright, at most `max_side` on the longest side, in L, LA, RGB or RGBA,
    with the ICC profile (if any) kept in `info` for `_to_srgb`."""
    with Image.open(io.BytesIO(data), formats=[image_format]) as opened:
        if opened.width <= 0 or opened.height <= 0:
            raise Refused(Refusal.MALFORMED, "the image has no pixels")
        if opened.width * opened.height > limits.max_pixels:
            raise Refused(Refusal.DECOMPRESSION_BOMB, "width x height is above the pixel limit")
        opened.seek(0)  # an animation keeps its first frame
        if image_format == "JPEG":  # decode at a reduced scale when the photo is much larger
            opened.draft(opened.mode, (limits.max_side, limits.max_side))
        opened.load()
        icc = opened.info.get("icc_profile")
        try:
            upright = ImageOps.exif_transpose(opened)
        except Exception:  # unreadable EXIF: the pixels as stored
            upright = opened.copy()
    picture = _normal_mode(upright)
    picture.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    picture.info = {"icc_profile": icc} if isinstance(icc, bytes) and icc else {}
    return picture


def _normal_mode(image: Image.Image) -> Image.Image:
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if image.mode in ("P", "PA"):
        transparent = image.mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if transparent else "RGB")
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16"):  # 16-bit grey: scale to 8 bits (convert("L") would clip)
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if image.mode in ("I", "F"):  # deep grey of any range: stretched to 0..255
        low, high = cast(tuple[float, float], image.getextrema())
        span = float(high - low) or 1.0
        return image.point(lambda value: (value - low) * 255.0 / span).convert("L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV


def _to_srgb(picture: Image.Image) -> Image.Image:
    """Colours as the profile meant them, in sRGB, so the profile itself (a device's maker, a
    calibration date: it can identify) need not be kept. An unreadable profile is dropped."""
    icc = picture.info.pop("icc_profile", None)
    if not icc or picture.mode not in ("RGB", "RGBA"):
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode=picture.mode)
    except Exception:
        return picture
    return converted if converted is not None else picture


def _encode(image: Image.Image, found: _Type, limits: Limits) -> tuple[bytes, MediaType]:
    """The photo in its own format; when that is above `max_output_bytes` (a detailed PNG), as
    a JPEG at decreasing quality; refused if even that does not fit."""
    attempts: list[tuple[MediaType, Image.Image, dict[str, object]]] = []
    if found is _JPEG:
        attempts.append(("image/jpeg", image, {"format": "JPEG", "quality": limits.jpeg_quality, "optimize": True}))
    elif found is _PNG:
        attempts.append(("image/png", image, {"format": "PNG", "compress_level": 6}))  # optimize: 7x slower, 4% smaller
    else:
        rgb = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA" if "A" in image.mode else "RGB")
        attempts.append(("image/webp", rgb, {"format": "WEBP", "quality": limits.webp_quality, "method": 4}))
    flat = _flatten(image)
    attempts += [
        ("image/jpeg", flat, {"format": "JPEG", "quality": quality, "optimize": True})
        for quality in (limits.jpeg_quality, 70, 50)
        if found is not _JPEG or quality < limits.jpeg_quality
    ]
    for media_type, picture, options in attempts:
        buffer = io.BytesIO()
        picture.save(buffer, **options)  # type: ignore[arg-type]
        if buffer.tell() <= limits.max_output_bytes:
            return buffer.getvalue(), media_type
    raise Refused(Refusal.TOO_LARGE, "the cleaned image is above the output limit")


def _flatten(image: Image.Image) -> Image.Image:
    """L or RGB for a JPEG: transparency drawn on white."""
    if image.mode in ("L", "RGB"):
        return image
    base = Image.new("RGB", image.size, "white")
    base.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    return base


# ---- PDFs -----------------------------------------------------------------------------------

# Actions a reader may follow when clicked; anything else (Launch, JavaScript, SubmitForm,
# ImportData, GoToR, GoToE, Rendition, Sound, Movie, RichMediaExecute, Hide, SetOCGState, ...) refuses.
_ALLOWED_ACTIONS = frozenset({"/GoTo", "/URI", "/Named"})
_ALLOWED_NAMED = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
_ALLOWED_URI_SCHEMES = ("http://", "https://", "mailto:")
_ACTIVE_SUBTYPES = frozenset({"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"})
_ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "an additional action (/AA)",
    "/XFA": "an XFA form",
}
_EMBEDDING_KEYS = frozenset({"/EmbeddedFiles", "/EF", "/Collection"})
# Left behind on every copied object: XMP, application data, thumbnails (an old version of a
# page can hide in one), article beads, dates that carry a time zone, the Info dictionary's
# entries wherever a damaged or crafted reference brought them, and geospatial measures (the
# coordinates where a map or a photo was made). Keys with a colon (an application's own names,
# as Apple's "AAPL:Keywords") go too.
_DROPPED_KEYS = frozenset(
    {
        "/Metadata",
        "/PieceInfo",
        "/Thumb",
        "/B",
        "/LastModified",
        "/Author",
        "/Creator",
        "/Producer",
        "/Title",
        "/Subject",
        "/Keywords",
        "/CreationDate",
        "/ModDate",
        "/Trapped",
        "/Measure",
        "/PtData",
        "/VP",
    }
)
# On streams: data to fetch from a file or an address instead of the stream's own, and the outside
# PDF a reference XObject stands for.
_DROPPED_STREAM_KEYS = frozenset({"/F", "/FFilter", "/FDecodeParms", "/DL", "/Ref"})
# On annotations (whatever their subtype says): the author's name (a form field's name, for
# fields: the form itself stays behind), a unique id, dates.
_DROPPED_ANNOTATION_KEYS = frozenset({"/T", "/NM", "/M", "/CreationDate"})
# What images and form XObjects keep (ISO 32000-2, 8.9.5 and 8.10.2): what draws them.
_XOBJECT_KEYS = {
    "/Image": frozenset(
        {
            "/Type",
            "/Subtype",
            "/Width",
            "/Height",
            "/ColorSpace",
            "/BitsPerComponent",
            "/Intent",
            "/ImageMask",
            "/Mask",
            "/Decode",
            "/Interpolate",
            "/SMask",
            "/SMaskInData",
            "/Matte",
            "/Filter",
            "/DecodeParms",
            "/Length",
            "/Name",
            "/OC",
        }
    ),
    "/Form": frozenset(
        {
            "/Type",
            "/Subtype",
            "/FormType",
            "/BBox",
            "/Matrix",
            "/Resources",
            "/Group",
            "/Filter",
            "/DecodeParms",
            "/Length",
            "/Name",
            "/OC",
        }
    ),
}
# What a page keeps (ISO 32000-2, 7.7.3.3): what draws it. Private data under any other name,
# structure, presentation and web-capture entries stay behind.
_PAGE_KEYS = frozenset(
    {
        "/Type",
        "/Parent",
        "/Resources",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/BoxColorInfo",
        "/Contents",
        "/Rotate",
        "/Group",
        "/Annots",
        "/UserUnit",
        "/Tabs",
    }
)


def _declared_objects(pdf: pikepdf.Pdf) -> int:
    """The trailer's /Size: the objects the file says it has, known before reading any."""
    size = pdf.trailer.get("/Size")
    return size if isinstance(size, int) else 0


def _clean_pdf(data: bytes, limits: Limits) -> Cleaned:
    source = _open_pdf(data)
    with source:
        try:
            pages, graph = _measured(source, limits)
            _inspect(source, graph, limits)
            cleaned = _rebuild(source)
        except Refused:
            raise
        except MemoryError:
            raise Refused(Refusal.DECOMPRESSION_BOMB, "the PDF does not fit in memory") from None
        except Exception:
            raise Refused(Refusal.MALFORMED, "the PDF cannot be read") from None
    if len(cleaned) > limits.max_output_bytes:
        raise Refused(Refusal.TOO_LARGE, "the cleaned PDF is above the output limit")
    return Cleaned(kind="document", media_type="application/pdf", data=cleaned, pages=pages)


def _open_pdf(data: bytes) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Refused(Refusal.PDF_ENCRYPTED, "the PDF needs a password") from None
    except Exception:
        raise Refused(Refusal.MALFORMED, "the PDF cannot be parsed") from None


def _measured(source: pikepdf.Pdf, limits: Limits) -> tuple[int, _Graph]:
    """The PDF's page count and object graph, refused before anything in it is looked at when it is
    encrypted, has no page, or has too many pages or objects."""
    if source.is_encrypted:
        raise Refused(Refusal.PDF_ENCRYPTED, "the PDF is encrypted")
    pages = len(source.pages)
    if pages == 0:
        raise Refused(Refusal.MALFORMED, "the PDF has no pages")
    if pages > limits.max_pages:
        raise Refused(Refusal.TOO_MANY_PAGES, f"{pages} pages, at most {limits.max_pages}")
    if _declared_objects(source) > limits.max_objects:
        raise Refused(Refusal.DECOMPRESSION_BOMB, "the PDF declares too many objects")
    graph = _Graph(source)
    if len(graph.objects) > limits.max_objects:
        raise Refused(Refusal.DECOMPRESSION_BOMB, "the PDF has too many objects")
    return pages, graph


class _Graph:
    """Every object of a PDF as qpdf's JSON (version 2) writes it, without stream data, walked in
    Python: one pass in C++ instead of a pikepdf call per key (a 2 MB file of 250,000 small
    objects took 38 s the other way). In it, names are "/Name", strings "u:text" or "b:hex",
    references "12 0 R", and a stream is its dictionary."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        buffer = io.BytesIO()
        pdf.write_qpdf_json(
            buffer, decode_level=pikepdf.StreamDecodeLevel.none, json_stream_data=pikepdf.JSONStreamData.none
        )
        entries: dict[str, Any] = json.loads(buffer.getvalue())["qpdf"][1]
        self.objects: dict[str, Any] = {}  # "12 0 R" (or "trailer") -> its value
        self.streams: list[str] = []  # the references of streams (their value is their dictionary)
        for key, entry in entries.items():
            reference = key.removeprefix("obj:")
            if "stream" in entry:
                self.objects[reference] = entry["stream"].get("dict", {})
                self.streams.append(reference)
            else:
                self.objects[reference] = entry.get("value")
        self._stream_set = frozenset(self.streams)

    def is_stream(self, reference: str, value: Any) -> bool:
        """Whether `value` is the dictionary of the stream `reference` (not one nested in it)."""
        return value is self.objects.get(reference) and reference in self._stream_set

    def resolve(self, value: Any) -> Any:
        """The value a reference points to (None if it points nowhere), any other value as it is."""
        if isinstance(value, str) and _REFERENCE.fullmatch(value):
            return self.objects.get(value)
        return value

    def dictionaries(self, only: Iterable[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """(the indirect object it is in, a dictionary) for every dictionary, nested ones too."""
        for reference in self.objects if only is None else only:
            pending = [self.objects[reference]]
            while pending:
                value = pending.pop()
                if isinstance(value, dict):
                    yield reference, value
                    pending.extend(value.values())
                elif isinstance(value, list):
                    pending.extend(value)


_REFERENCE = re.compile(r"\d+ \d+ R")


def _text(value: Any) -> str:
    """A PDF string of the JSON as text (bytes read as Latin-1); anything else as ""."""
    if isinstance(value, str) and value.startswith("u:"):
        return value[2:]
    if isinstance(value, str) and value.startswith("b:"):
        try:
            return bytes.fromhex(value[2:]).decode("latin-1")
        except ValueError:
            return ""
    return ""


def _inspect(pdf: pikepdf.Pdf, graph: _Graph, limits: Limits) -> None:
    """Refuse anything that would act or carry a file, then any image or stream too large."""
    for _, obj in graph.dictionaries():
        _check_dictionary(graph, obj)
    _check_streams(pdf, graph, limits)


def _check_dictionary(graph: _Graph, obj: dict[str, Any]) -> None:
    keys = obj.keys()
    for key in keys & _ACTIVE_KEYS.keys():
        raise Refused(Refusal.PDF_ACTIVE_CONTENT, f"holds {_ACTIVE_KEYS[key]}")
    kind, subtype = graph.resolve(obj.get("/Type")), graph.resolve(obj.get("/Subtype"))
    if keys & _EMBEDDING_KEYS or kind == "/EmbeddedFile" or subtype == "/FileAttachment":
        raise Refused(Refusal.PDF_EMBEDDED_FILE, "holds an embedded file")
    if subtype in _ACTIVE_SUBTYPES:
        raise Refused(Refusal.PDF_ACTIVE_CONTENT, "holds multimedia or 3D content")
    if kind == "/Action":
        _check_action(graph, obj)
    for key in keys & {"/A", "/PA"}:  # an annotation's or a bookmark's action; in tagged PDF, /A holds attributes
        _check_actions(graph, obj[key], attributes_allowed=True)
    if "/OpenAction" in keys:
        _check_open_action(graph, obj["/OpenAction"])


def _check_streams(pdf: pikepdf.Pdf, graph: _Graph, limits: Limits) -> None:
    inflated = 0
    for reference in graph.streams:
        stream = graph.objects[reference]
        if graph.resolve(stream.get("/Subtype")) == "/Image":
            _check_image_size(graph, stream, limits)
        if _only_filter(graph, stream) == "/FlateDecode":
            raw = _indirect(pdf, reference).read_raw_bytes()
            inflated += _inflated_size(raw, limits.max_stream_bytes - inflated)


def _check_actions(graph: _Graph, value: Any, *, attributes_allowed: bool = False) -> None:
    """An action, or a list of them. Under /A of a structure element the dictionaries are
    attributes, told apart by having no action type (/S) at all."""
    value = graph.resolve(value)
    for action in value if isinstance(value, list) else [value]:
        action = graph.resolve(action)
        if isinstance(action, dict):
            if attributes_allowed and "/S" not in action and graph.resolve(action.get("/Type")) != "/Action":
                continue
            _check_action(graph, action)
        elif not attributes_allowed and action is not None:
            raise Refused(Refusal.PDF_ACTIVE_CONTENT, "holds an action of an unknown shape")


def _check_action(graph: _Graph, action: dict[str, Any]) -> None:
    kind = graph.resolve(action.get("/S"))
    if kind not in _ALLOWED_ACTIONS:
        raise Refused(Refusal.PDF_ACTIVE_CONTENT, "holds an action that is not a link to a page or a web address")
    if kind == "/URI" and not _text(graph.resolve(action.get("/URI"))).strip().lower().startswith(_ALLOWED_URI_SCHEMES):
        raise Refused(Refusal.PDF_ACTIVE_CONTENT, "holds a link that is not to a web or mail address")
    if kind == "/Named" and graph.resolve(action.get("/N")) not in _ALLOWED_NAMED:
        raise Refused(Refusal.PDF_ACTIVE_CONTENT, "holds a named action other than a page turn")
    if "/Next" in action:
        _check_actions(graph, action["/Next"])


def _check_open_action(graph: _Graph, value: Any) -> None:
    """Opening the document may show a page (a destination, or a GoTo action), nothing else:
    even a web link on opening would tell its author when and where the file was read."""
    value = graph.resolve(value)
    if isinstance(value, list):
        return
    if isinstance(value, dict) and graph.resolve(value.get("/S")) == "/GoTo" and "/Next" not in value:
        return
    raise Refused(Refusal.PDF_ACTIVE_CONTENT, "acts on opening (/OpenAction)")


def _check_image_size(graph: _Graph, stream: dict[str, Any], limits: Limits) -> None:
    width, height = graph.resolve(stream.get("/Width")), graph.resolve(stream.get("/Height"))
    if not isinstance(width, int) or not isinstance(height, int) or width < 0 or height < 0:
        raise Refused(Refusal.MALFORMED, "an image has no valid size")
    if width * height > limits.max_pixels:
        raise Refused(Refusal.DECOMPRESSION_BOMB, "an image is above the pixel limit")


def _inflated_size(raw: bytes, budget: int) -> int:
    """Bytes a Flate stream inflates to, counted without holding more than a chunk; the budget
    spent is a bomb. Streams under other filters are left to the renderer's memory limit."""
    inflater = zlib.decompressobj()
    pending, total = raw, 0
    while pending and not inflater.eof:
        try:
            chunk = inflater.decompress(pending, 1 << 20)
        except zlib.error:
            return total  # a damaged stream: the renderer shows what it can, as readers do
        total += len(chunk)
        if total > budget:
            raise Refused(Refusal.DECOMPRESSION_BOMB, "the PDF's streams inflate beyond the limit")
        pending = inflater.unconsumed_tail
    return total


def _rebuild(source: pikepdf.Pdf) -> bytes:
    """The pages alone, in a new document: nothing of the catalogue or the trailer follows. The
    interactive form stays behind on purpose (its fields show as they were drawn), which pikepdf
    warns about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        target = pikepdf.new()
        target.pages.extend(source.pages)
        for page in target.pages:
            for key in set(page.obj.keys()) - _PAGE_KEYS:
                del page.obj[key]
        graph = _Graph(target)
        owners = {
            owner
            for owner, obj in graph.dictionaries()
            if _dropped(obj.keys(), graph.resolve(obj.get("/Subtype")), graph.is_stream(owner, obj))
        }
        for owner in owners - {"trailer"}:
            _scrub(_indirect(target, owner))
        for reference in graph.streams:  # a phone's scanner app embeds the camera's JPEG, EXIF and all
            strip = _STRIPPERS.get(_only_filter(graph, graph.objects[reference]) or "")
            if strip is not None:
                image = _indirect(target, reference)
                image.write(
                    strip(image.read_raw_bytes()),
                    filter=cast(pikepdf.Name | pikepdf.Array | None, image.get("/Filter")),
                    decode_parms=cast(pikepdf.Dictionary | pikepdf.Array | None, image.get("/DecodeParms")),
                )
        buffer = io.BytesIO()
        target.save(
            buffer,
            min_version=source.pdf_version,
            linearize=True,
            deterministic_id=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
        )
        target.close()
    return buffer.getvalue()


def _only_filter(graph: _Graph, stream: dict[str, Any]) -> str | None:
    """A stream's filter when it has exactly one (a chain is left as it is)."""
    filters = graph.resolve(stream.get("/Filter"))
    if isinstance(filters, list):
        filters = graph.resolve(filters[0]) if len(filters) == 1 else None
    return filters if isinstance(filters, str) else None


def _indirect(pdf: pikepdf.Pdf, reference: str) -> pikepdf.Object:
    number, generation, _ = reference.split()
    return pdf.get_object(int(number), int(generation))


# Application segments a JPEG keeps: JFIF's header, and Adobe's, which says how to read CMYK.
_JPEG_KEPT_SEGMENTS = {0xE0: b"JFIF\x00", 0xEE: b"Adobe"}


def strip_jpeg(data: bytes) -> bytes:
    """A JPEG's bytes without its application segments (EXIF and so GPS, XMP, IPTC, ICC, makers'
    notes, MPF) but JFIF and Adobe's, without comments, and without anything after its end: a
    lossless copy of the picture, for JPEGs inside PDFs (photos are re-encoded instead)."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    kept, position, end = bytearray(b"\xff\xd8"), 2, len(data)
    while position + 1 < end:
        if data[position] != 0xFF:
            raise ValueError("a JPEG segment does not start with a marker")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == 0xD9:
            return bytes(kept + b"\xff\xd9")
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            kept += data[position : position + 2]
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if length < 2 or position + 2 + length > end:
            raise ValueError("a JPEG segment runs past the end")
        segment = data[position : position + 2 + length]
        if _keeps(marker, segment):
            kept += segment
        position += 2 + length
        if marker == 0xDA:  # entropy-coded data follows the scan's header
            scan = _scan_end(data, position)
            kept += data[position:scan]
            position = scan
    raise ValueError("a JPEG without its end marker")


def _keeps(marker: int, segment: bytes) -> bool:
    """Every segment but application segments and comments, and of those only JFIF's and Adobe's."""
    application = 0xE0 <= marker <= 0xEF or marker == 0xFE
    signature = _JPEG_KEPT_SEGMENTS.get(marker)
    return not application or (signature is not None and segment[4:].startswith(signature))


def _scan_end(data: bytes, position: int) -> int:
    """Where entropy-coded data ends: at the next marker that is not a stuffed 0xFF or a restart."""
    scan = position
    while True:
        scan = data.find(b"\xff", scan)
        if scan < 0 or scan + 1 >= len(data):
            raise ValueError("a JPEG scan has no end")
        if data[scan + 1] == 0x00 or 0xD0 <= data[scan + 1] <= 0xD7:
            scan += 2
            continue
        return scan


# JPEG 2000 boxes a picture needs; XML (GML, GPS), UUID (XMP, GeoJP2) and the rest are left behind.
_JP2_KEPT_BOXES = frozenset({b"jP  ", b"ftyp", b"rreq", b"jp2h", b"jpch", b"jplh", b"jp2c", b"cgrp"})


def strip_jp2(data: bytes) -> bytes:
    """A JPEG 2000 file's boxes that make its picture, in order. A bare codestream (no boxes) is
    returned as it is: it has no place for metadata beyond a comment marker."""
    if data.startswith(b"\xff\x4f\xff\x51"):
        return data
    kept, position, end = bytearray(), 0, len(data)
    while position < end:
        if position + 8 > end:
            raise ValueError("a JPEG 2000 box header runs past the end")
        length, kind, header = (
            int.from_bytes(data[position : position + 4], "big"),
            data[position + 4 : position + 8],
            8,
        )
        if length == 1:
            length, header = int.from_bytes(data[position + 8 : position + 16], "big"), 16
        elif length == 0:
            length = end - position
        if length < header or position + length > end:
            raise ValueError("a JPEG 2000 box runs past the end")
        if kind in _JP2_KEPT_BOXES:
            kept += data[position : position + length]
        position += length
    return bytes(kept)


_STRIPPERS: dict[str, Callable[[bytes], bytes]] = {"/DCTDecode": strip_jpeg, "/JPXDecode": strip_jp2}


def _dropped(keys: AbstractSet[str], subtype: Any, stream: bool) -> set[str]:
    """The keys of one dictionary (a stream's own if `stream`) that stay behind."""
    dropped = {key for key in keys if key in _DROPPED_KEYS or ":" in key}
    if stream:
        dropped |= keys & _DROPPED_STREAM_KEYS
        if subtype in _XOBJECT_KEYS:
            dropped |= keys - _XOBJECT_KEYS[subtype]
    if "/Rect" in keys:  # an annotation
        dropped |= keys & _DROPPED_ANNOTATION_KEYS
    return dropped


def _scrub(owner: pikepdf.Object) -> None:
    """Delete the dropped keys from an indirect object and the dictionaries nested in it."""
    pending = [owner]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
            for key in _dropped(set(obj.keys()), obj.get("/Subtype"), isinstance(obj, pikepdf.Stream)):
                del obj[key]
            children = list(obj.values())
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array) and not child.is_indirect
        )


# ---- pages as images ------------------------------------------------------------------------


def render_pages(
    pdf: bytes, max_pages: int = 1, width: int = 1200, *, first_page: int = 0, page_format: PageFormat = "webp"
) -> list[bytes]:
    """Pages `first_page` .. `first_page + max_pages - 1` (those that exist) of a cleaned PDF, as
    WebP or PNG images `width` pixels wide (a page taller than three times its width is drawn
    narrower, so no image is more than `3 * width` high). Form fields are drawn as they look;
    nothing in the PDF runs (PDFium here has no JavaScript or XFA)."""
    if not RENDER_MIN_WIDTH <= width <= RENDER_MAX_WIDTH:
        raise ValueError(f"width must be {RENDER_MIN_WIDTH}..{RENDER_MAX_WIDTH}")
    if not 1 <= max_pages <= RENDER_MAX_PAGES_PER_CALL or first_page < 0:
        raise ValueError(f"max_pages must be 1..{RENDER_MAX_PAGES_PER_CALL} and first_page >= 0")
    try:
        document = pypdfium2.PdfDocument(pdf)
    except Exception:
        raise Refused(Refusal.MALFORMED, "the PDF cannot be opened for rendering") from None
    images: list[bytes] = []
    try:
        for index in range(first_page, min(len(document), first_page + max_pages)):
            page = document[index]
            try:
                page_width, page_height = page.get_size()
                if page_width <= 0 or page_height <= 0:
                    raise Refused(Refusal.MALFORMED, "a page has no size")
                scale = min(width / page_width, 3 * width / page_height)
                bitmap = page.render(scale=scale, may_draw_forms=True)
                picture = bitmap.to_pil().convert("RGB")
                buffer = io.BytesIO()
                if page_format == "webp":
                    picture.save(buffer, format="WEBP", quality=80, method=4)
                else:
                    picture.save(buffer, format="PNG", optimize=True)
                images.append(buffer.getvalue())
            finally:
                page.close()
    except Refused:
        raise
    except Exception:
        raise Refused(Refusal.MALFORMED, "a page cannot be rendered") from None
    finally:
        document.close()
    return images
