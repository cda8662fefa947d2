"""Evidence files made in the test, as a phone, a PDF tool or an attacker would make them, and the
checks that nothing identifying survived cleaning. Shared by the cleaner's unit tests and the
upload tests that drive the API and the browser.

Every identifying field carries CANARY (with a Vietnamese word, so text encoders must use UTF-8
or UTF-16): `assert_no_canary` looks for it in the bytes in every encoding a file format uses for
text (UTF-8, UTF-16 and UTF-32 both ways, hex, base64) and inside every compressed stream.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pikepdf
from PIL import Image, ImageCms, ImageDraw, PngImagePlugin

CANARY = "CANARY-7f3a9-Nguyễn"
GPS_LATITUDE = (10.0, 46.0, 34.0)  # where the dormitory would be
GPS_LONGITUDE = (106.0, 41.0, 59.0)


def _picture(width: int, height: int) -> Image.Image:
    """A photo-like picture: a gradient with a dark block in the top-left quarter (so a rotation
    shows where that block went)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill=(20, 20, 120))
    return image


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = f"Make {CANARY}"  # Make
    exif[0x0110] = f"Model {CANARY}"  # Model
    exif[0x013B] = f"Artist {CANARY}"  # Artist
    exif[0x010E] = f"Description {CANARY}"  # ImageDescription
    exif[0x0131] = f"Software {CANARY}"  # Software
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)  # the GPS IFD
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: GPS_LONGITUDE, 27: b"ASCII\x00\x00\x00" + CANARY.encode()})
    details = exif.get_ifd(0x8769)  # the Exif IFD: UserComment in UTF-16, the camera's serial number
    details.update(
        {0x9286: b"UNICODE\x00" + CANARY.encode("utf-16-be"), 0xA431: f"Serial {CANARY}", 0x9003: "2026:11:30 21:14:07"}
    )
    return exif


def _xmp() -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:exif="http://ns.adobe.com/exif/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{CANARY}</rdf:li></rdf:Seq></dc:creator>"
        f"<exif:GPSLatitude>10,46.57N</exif:GPSLatitude><dc:description>{CANARY}</dc:description>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _icc_with_canary() -> bytes:
    """A valid sRGB profile with the canary in extra bytes the header's size counts."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile += CANARY.encode("utf-16-be")
    profile[0:4] = struct.pack(">I", len(profile))
    return bytes(profile)


def _iptc_segment() -> bytes:
    """An APP13 Photoshop segment with an IPTC By-line (2:80) holding the canary."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(CANARY.encode())) + CANARY.encode()
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def gps_photo(width: int = 800, height: int = 600, orientation: int = 1) -> bytes:
    """A phone photo: GPS, the canary in EXIF (also UTF-16), XMP, a JPEG comment, IPTC, an ICC
    profile, and a trailing HTML/UTF-16 payload after the end of the image (as motion photos
    and polyglots carry)."""
    buffer = io.BytesIO()
    _picture(width, height).save(
        buffer,
        "JPEG",
        quality=90,
        exif=_exif(orientation).tobytes(),
        xmp=_xmp(),
        comment=f"Comment {CANARY}".encode(),
        icc_profile=_icc_with_canary(),
    )
    jpeg = buffer.getvalue()
    trailer = f"<html><script>alert('{CANARY}')</script></html>".encode() + CANARY.encode("utf-16-le")
    return jpeg[:2] + _iptc_segment() + jpeg[2:] + trailer


def mpo_photo() -> bytes:
    """A phone's multi-picture JPEG (MPO): a second, different image rides behind the first."""
    buffer = io.BytesIO()
    _picture(640, 480).save(
        buffer,
        "MPO",
        save_all=True,
        exif=_exif().tobytes(),
        append_images=[Image.new("RGB", (320, 240), (250, 10, 10))],
    )
    return buffer.getvalue()


def png_with_text(mode: str = "RGB", width: int = 640, height: int = 480) -> bytes:
    """A screenshot: tEXt, zTXt and iTXt chunks with the canary, an eXIf chunk with GPS, an ICC
    profile and bytes after IEND."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", CANARY.encode("latin-1", "replace").decode("latin-1"))
    info.add_text("Comment", f"zipped {CANARY}".encode("latin-1", "replace").decode("latin-1"), zip=True)
    info.add_itxt("Description", CANARY, lang="vi", tkey="Mô tả", zip=True)
    info.add_itxt("XML:com.adobe.xmp", _xmp().decode())
    image = _picture(width, height)
    if mode == "P":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE)
        image.info["transparency"] = 0
    elif mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    options = {"transparency": 0} if mode == "P" else {}
    image.save(buffer, "PNG", pnginfo=info, exif=_exif().tobytes(), icc_profile=_icc_with_canary(), **options)
    return buffer.getvalue() + CANARY.encode("utf-16-be")


def webp_with_metadata(frames: int = 1) -> bytes:
    """A WebP with EXIF (GPS), XMP and an ICC profile; animated when `frames` > 1, each frame
    a different colour."""
    first = _picture(400, 300)
    others = [Image.new("RGB", (400, 300), (200, 40 * index, 40)) for index in range(1, frames)]
    buffer = io.BytesIO()
    first.save(
        buffer,
        "WEBP",
        quality=90,
        exif=_exif().tobytes(),
        xmp=_xmp(),
        icc_profile=_icc_with_canary(),
        save_all=frames > 1,
        append_images=others,
        duration=100,
    )
    return buffer.getvalue()


def noisy_png(width: int, height: int) -> bytes:
    """A PNG that compresses badly (random pixels)."""
    import os

    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 30_000) -> bytes:
    """A real PNG of `side` x `side` black pixels, 1 bit deep, whose IDAT inflates to
    side * (1 + side / 8) bytes (112 MB for 30,000) and to side² pixels (900 MP) once decoded:
    about 110 kB on the wire."""
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    block = row * 256
    data = b"".join(compressor.compress(block) for _ in range(side // 256))
    data += compressor.compress(row * (side % 256)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    photo = io.BytesIO()
    _picture(800, 600).save(photo, "JPEG", quality=90)
    return photo.getvalue()[: photo.tell() * 6 // 10]


HTML_AS_JPG = b"<!DOCTYPE html><html><body><script>fetch('/api/staff/me')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;"


# ---- PDFs -----------------------------------------------------------------------------------

# A blue rectangle in the top-left quarter of an A4 page (595 x 842 pt): what the render shows.
PAGE_CONTENT = b"0 0 1 rg 50 600 200 200 re f"


def pdf_document(pages: int = 2, *, metadata: bool = True) -> pikepdf.Pdf:
    """A contract as a phone's PDF tool writes it: the canary as author, title, subject, creator
    (UTF-16, it is not Latin-1), in the XMP, in a sticky note's author and id, in an image's own
    XMP, in private application data (/PieceInfo) and in a page thumbnail."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    for page in pdf.pages:
        page.obj.Contents = pdf.make_stream(PAGE_CONTENT)
    if not metadata:
        return pdf
    pdf.docinfo["/Author"] = CANARY
    pdf.docinfo["/Title"] = f"Contract {CANARY}"
    pdf.docinfo["/Subject"] = CANARY
    pdf.docinfo["/Creator"] = CANARY
    pdf.docinfo["/Producer"] = f"Producer {CANARY}"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [CANARY]
        meta["dc:title"] = f"Title {CANARY}"
        meta["pdf:Producer"] = CANARY
    page = pdf.pages[0]
    page.obj.PieceInfo = pikepdf.Dictionary(App=pikepdf.Dictionary(Private=pikepdf.String(CANARY)))
    page.obj.LastModified = pikepdf.String("D:20261130211407+07'00'")
    page.obj.Thumb = pdf.make_stream(
        CANARY.encode("utf-16-be"), Width=1, Height=1, BitsPerComponent=8, ColorSpace=pikepdf.Name.DeviceGray
    )
    image = pdf.make_stream(
        b"\x80" * 16,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=4,
        Height=4,
        BitsPerComponent=8,
        ColorSpace=pikepdf.Name.DeviceGray,
    )
    image.Metadata = pdf.make_stream(_xmp(), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    note = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Text,
        Rect=[300, 300, 320, 320],
        Contents=pikepdf.String("unpaid since March"),
        T=pikepdf.String(CANARY),
        NM=pikepdf.String(CANARY),
        M=pikepdf.String("D:20261130211407+07'00'"),
    )
    field = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        Rect=[50, 700, 250, 720],
        FT=pikepdf.Name.Tx,
        T=pikepdf.String(f"name of {CANARY}"),
        V=pikepdf.String("12"),
    )
    field = pdf.make_indirect(field)
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(note), field]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field])
    # What applications add under their own names, and a geospatial measure (a GeoPDF's coordinates).
    page.obj["/AAPL:Keywords"] = pikepdf.Array([pikepdf.String(CANARY)])
    page.obj["/ScannerApp_Device"] = pikepdf.String(f"Phone of {CANARY}")
    image["/ADBE_Data"] = pikepdf.String(CANARY)
    image.Measure = pikepdf.Dictionary(
        Type=pikepdf.Name.Measure,
        Subtype=pikepdf.Name.GEO,
        GPTS=[10.776, 106.7, 10.777, 106.7, 10.777, 106.701, 10.776, 106.701],
    )
    return pdf


def pdf_bytes(pdf: pikepdf.Pdf, **save: object) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **save)  # type: ignore[arg-type]
    return buffer.getvalue()


def canary_pdf(pages: int = 2) -> bytes:
    return pdf_bytes(pdf_document(pages))


def _action(**entries: Any) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, **entries)


def _link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[50, 50, 150, 70], A=action)
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))


def active_pdf(kind: str) -> bytes:
    """A PDF that would act when opened or clicked, or that carries files, by `kind`."""
    pdf = pdf_document(1, metadata=False)
    if not (_opening_action(pdf, kind) or _link_action(pdf, kind) or _carried(pdf, kind)):
        raise ValueError(kind)
    return pdf_bytes(pdf)


def _javascript() -> pikepdf.Dictionary:
    return _action(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('https://example.invalid/')"))


def _opening_action(pdf: pikepdf.Pdf, kind: str) -> bool:
    """Something that acts when the document or its page opens."""
    if kind == "javascript_name_tree":
        names = ["init", pdf.make_indirect(_javascript())]
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=names))
    elif kind == "open_action_javascript":
        pdf.Root.OpenAction = _javascript()
    elif kind == "open_action_uri":
        pdf.Root.OpenAction = _action(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.invalid/opened"))
    elif kind == "page_additional_action":
        pdf.pages[0].obj.AA = pikepdf.Dictionary(O=_javascript())
    else:
        return False
    return True


def _link_action(pdf: pikepdf.Pdf, kind: str) -> bool:
    """A link that acts when clicked."""
    if kind == "launch_link":
        _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")))  # no /Type: optional
    elif kind == "javascript_uri_link":
        _link(pdf, _action(S=pikepdf.Name.URI, URI=pikepdf.String(" JavaScript:alert(1)")))
    elif kind == "submit_form_link":
        _link(pdf, _action(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://example.invalid/")))
    elif kind == "print_named_link":
        _link(pdf, _action(S=pikepdf.Name.Named, N=pikepdf.Name.Print))
    elif kind == "chained_launch":
        _link(
            pdf,
            _action(
                S=pikepdf.Name.GoTo,
                D=[pdf.pages[0].obj, pikepdf.Name.Fit],
                Next=_action(S=pikepdf.Name.Launch, F=pikepdf.String("x")),
            ),
        )
    else:
        return False
    return True


def _carried(pdf: pikepdf.Pdf, kind: str) -> bool:
    """A form, media or a file carried inside."""
    if kind == "xfa":
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=pdf.make_stream(b"<xdp:xdp/>"))
    elif kind == "rich_media":
        media = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia, Rect=[0, 0, 10, 10])
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(media)]))
    elif kind == "embedded_file":
        pdf.attachments["payslip.html"] = pikepdf.AttachedFileSpec(pdf, b"<script>alert(1)</script>")
    elif kind == "file_attachment_annotation":
        spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="invoice.exe")
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=[0, 0, 10, 10], FS=spec.obj
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))
    else:
        return False
    return True


def benign_pdf() -> bytes:
    """What real contracts hold and must pass: a web link, a mail link, a page-turn button, an
    initial view (/OpenAction to a page), bookmarks, and tagged structure whose /A are attributes."""
    pdf = pdf_document(2, metadata=False)
    first = pdf.pages[0].obj
    links = [
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[50, 50, 150, 70],
            A=_action(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.ilo.org/")),
        ),
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[50, 80, 150, 100],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("mailto:help@example.org")),
        ),
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[50, 110, 150, 130],
            A=_action(S=pikepdf.Name.Named, N=pikepdf.Name.NextPage),
        ),
    ]
    first.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link) for link in links]))
    pdf.Root.OpenAction = pikepdf.Array([first, pikepdf.Name.Fit])
    outline = pdf.make_indirect(
        pikepdf.Dictionary(Title=pikepdf.String("Wages"), A=_action(S=pikepdf.Name.GoTo, D=[first, pikepdf.Name.Fit]))
    )
    second = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Hours"), Dest=[first, pikepdf.Name.Fit]))
    outline.Next, second.Prev = second, outline
    pdf.Root.Outlines = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=outline, Last=second, Count=2)
    )
    paragraph = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem,
            S=pikepdf.Name.P,
            A=pikepdf.Dictionary(O=pikepdf.Name.Layout, Placement=pikepdf.Name.Block),
        )
    )
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=paragraph))
    return pdf_bytes(pdf)


def encrypted_pdf(user_password: str) -> bytes:
    return pdf_bytes(
        pdf_document(1, metadata=False), encryption=pikepdf.Encryption(owner="owner-secret", user=user_password)
    )


def pdf_with_pages(pages: int) -> bytes:
    return pdf_bytes(pdf_document(pages, metadata=False))


def _pdf_with_image(data: bytes, image_filter: pikepdf.Name, width: int, height: int) -> bytes:
    pdf = pdf_document(1, metadata=False)
    image = pikepdf.Stream(pdf, data)
    image.Type, image.Subtype, image.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, image_filter
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"q 400 0 0 300 100 400 cm /Im0 Do Q")
    return pdf_bytes(pdf)


def pdf_with_camera_jpeg() -> bytes:
    """A phone scanner app's PDF: the camera's JPEG embedded as it is, with its EXIF (GPS), XMP,
    comment, IPTC, ICC profile and the bytes after its end."""
    return _pdf_with_image(gps_photo(400, 300), pikepdf.Name.DCTDecode, 400, 300)


def jp2_with_metadata() -> bytes:
    """A JPEG 2000 file with an XML box (as GML or GPS carry) and a UUID box (as XMP and GeoJP2
    do) holding the canary."""
    buffer = io.BytesIO()
    _picture(400, 300).save(buffer, "JPEG2000")
    jp2 = buffer.getvalue()
    xml = f"<gml>{CANARY}</gml>".encode()
    uuid = b"\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac" + _xmp()
    boxes = struct.pack(">I", 8 + len(xml)) + b"xml " + xml + struct.pack(">I", 8 + len(uuid)) + b"uuid" + uuid
    ftyp_end = 12 + struct.unpack(">I", jp2[12:16])[0]  # after the signature box and the file type box
    return jp2[:ftyp_end] + boxes + jp2[ftyp_end:]


def pdf_with_jp2() -> bytes:
    return _pdf_with_image(jp2_with_metadata(), pikepdf.Name.JPXDecode, 400, 300)


def pdf_with_old_revision() -> bytes:
    """A PDF edited by an incremental update, as a "redaction" or a filled form is saved: the first
    revision's page said the canary, the update replaced that page's content; the old bytes are
    still in the file, where any text extractor finds them."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"% " + CANARY.encode() + b"\n" + PAGE_CONTENT)
    base = pdf_bytes(pdf, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    with pikepdf.open(io.BytesIO(base)) as saved:
        number, generation = saved.pages[0].obj.Contents.objgen
        root, size = saved.Root.objgen, int(saved.trailer.Size)
    previous = int(base.rsplit(b"startxref", 1)[1].split()[0])
    replacement = (
        f"{number} {generation} obj\n<< /Length {len(PAGE_CONTENT)} >>\nstream\n".encode()
        + PAGE_CONTENT
        + b"\nendstream\nendobj\n"
    )
    xref_at = len(base) + len(replacement)
    update = (
        f"xref\n{number} 1\n{len(base):010d} {generation:05d} n \ntrailer\n"
        f"<< /Size {size} /Root {root[0]} {root[1]} R /Prev {previous} >>\nstartxref\n{xref_at}\n%%EOF\n"
    )
    return base + replacement + update.encode()


def pdf_with_trailing_payload() -> bytes:
    """A PDF followed, after its end, by an HTML page and the canary (a polyglot, or leftovers)."""
    return canary_pdf(1) + f"<html><script>alert('{CANARY}')</script>".encode() + CANARY.encode("utf-16-le")


def pdf_with_objects(count: int) -> bytes:
    pdf = pdf_document(1, metadata=False)
    pdf.pages[0].obj.Extra = pdf.make_indirect(
        pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=index)) for index in range(count)])
    )
    return pdf_bytes(pdf)


def pdf_flate_bomb(inflated: int) -> bytes:
    """A PDF whose page content is a Flate stream of `inflated` bytes of spaces."""
    pdf = pdf_document(1, metadata=False)
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(inflated >> 20)) + compressor.flush()
    stream = pikepdf.Stream(pdf, data)
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = stream
    return pdf_bytes(pdf, compress_streams=False)


def pdf_image_bomb(side: int = 30_000) -> bytes:
    """A PDF whose page draws an image that claims `side` x `side` pixels."""
    pdf = pdf_document(1, metadata=False)
    image = pdf.make_stream(
        zlib.compress(b"\x00" * 1024),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=side,
        Height=side,
        BitsPerComponent=8,
        ColorSpace=pikepdf.Name.DeviceGray,
        Filter=pikepdf.Name.FlateDecode,
    )
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"q 500 0 0 500 0 0 cm /Im0 Do Q")
    return pdf_bytes(pdf)


# ---- the checks -----------------------------------------------------------------------------


def canary_forms(text: str = CANARY) -> list[bytes]:
    """The canary as the bytes of every text encoding a file format may use (also the ASCII
    part alone, in case a writer dropped what it could not encode)."""
    forms: list[bytes] = []
    for value in (text, text.split("-Ng")[0]):
        raw = value.encode()
        forms += [
            raw,
            value.encode("utf-16-le"),
            value.encode("utf-16-be"),
            value.encode("utf-32-le"),
            value.encode("utf-32-be"),
            raw.hex().encode(),
            raw.hex().upper().encode(),
        ]
        for shift in range(3):  # base64 of the canary at any alignment, without the edges
            encoded = base64.b64encode(b"\x00" * shift + raw)[4:-4]
            forms.append(encoded)
    return forms


def _png_payloads(data: bytes) -> Iterator[bytes]:
    """The inflated image data and the inflated text of a PNG."""
    position, idat = 8, b""
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IDAT":
            idat += body
        elif kind in (b"zTXt", b"iTXt"):
            for start in range(len(body)):
                try:
                    yield zlib.decompress(body[start:])
                    break
                except zlib.error:
                    continue
        position += 12 + length
    if idat:
        yield zlib.decompress(idat)


def _pdf_payloads(data: bytes) -> Iterator[bytes]:
    """Every decoded stream and every string of a PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield obj.read_bytes()
                except pikepdf.PdfError:
                    yield obj.read_raw_bytes()
        for obj in pdf.objects:
            yield from _pdf_strings(obj)
        yield from _pdf_strings(pdf.trailer)


def _pdf_strings(obj: pikepdf.Object, depth: int = 0) -> Iterator[bytes]:
    if depth > 20:
        return
    if isinstance(obj, pikepdf.String):
        yield bytes(obj)
        yield str(obj).encode("utf-8", "surrogatepass")
    elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        for key, value in (obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj).items():
            yield key.encode("utf-8", "surrogatepass")
            if isinstance(value, pikepdf.Object) and not value.is_indirect:
                yield from _pdf_strings(value, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, pikepdf.Object) and not item.is_indirect:
                yield from _pdf_strings(item, depth + 1)


def payloads(data: bytes) -> list[bytes]:
    """The bytes themselves, and what compression hides in them for the formats we write."""
    found = [data]
    if data.startswith(b"\x89PNG"):
        found += list(_png_payloads(data))
    if data.startswith(b"%PDF-"):
        found += list(_pdf_payloads(data))
    return found


def assert_no_canary(data: bytes) -> None:
    forms = canary_forms()
    for payload in payloads(data):
        for form in forms:
            assert form not in payload, f"the canary survived as {form!r}"


def assert_image_has_no_metadata(data: bytes) -> None:
    """No metadata container at all: no EXIF (so no GPS), XMP, ICC, comment, IPTC, text chunk,
    and nothing after the image's end."""
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), "EXIF survived"
        assert not image.getexif().get_ifd(0x8825), "GPS survived"
        leaked = set(image.info) & {
            "exif",
            "xmp",
            "icc_profile",
            "comment",
            "XML:com.adobe.xmp",
            "Author",
            "Comment",
            "Description",
            "photoshop",
            "iptc",
            "adobe",
        }
        assert not leaked, f"metadata survived: {leaked}"
    for marker in (
        b"Exif\x00\x00",
        b"http://ns.adobe.com/xap",
        b"x:xmpmeta",
        b"GPS",
        b"Photoshop 3.0",
        b"8BIM",
        b"ICC_PROFILE",
        b"MPF\x00",
        b"<html",
        b"<script",
    ):
        assert marker not in data, f"{marker!r} survived"
    if data.startswith(b"\xff\xd8"):
        _assert_bare_jpeg(data)
    elif data.startswith(b"\x89PNG"):
        _assert_bare_png(data)
    else:
        _assert_bare_webp(data)


def _assert_bare_jpeg(data: bytes) -> None:
    """Only JFIF, tables, frame and scan segments; the file ends at the end-of-image marker."""
    position = 2
    while True:
        assert data[position] == 0xFF, "a JPEG segment does not start with a marker"
        marker = data[position + 1]
        assert marker == 0xE0 or not 0xE1 <= marker <= 0xEF, f"an APP{marker - 0xE0} segment survived"
        assert marker != 0xFE, "a JPEG comment survived"
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker == 0xDA:  # start of scan: entropy-coded data until the end-of-image marker
            assert data.endswith(b"\xff\xd9"), "bytes follow the end of the image"
            return
        position += 2 + length


def _assert_bare_png(data: bytes) -> None:
    position, kinds = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        kinds.append(kind)
        position += 12 + length
    assert set(kinds) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}, f"chunks {set(kinds)} in the PNG"
    assert kinds[-1] == b"IEND" and position == len(data), "bytes follow IEND"


def _assert_bare_webp(data: bytes) -> None:
    assert struct.unpack("<I", data[4:8])[0] + 8 == len(data), "bytes follow the RIFF container"
    position, kinds = 12, []
    while position < len(data):
        kind, length = data[position : position + 4], struct.unpack("<I", data[position + 4 : position + 8])[0]
        kinds.append(kind)
        position += 8 + length + (length & 1)
    assert set(kinds) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}, f"chunks {set(kinds)} in the WebP"
