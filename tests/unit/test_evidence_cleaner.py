"""The evidence cleaner: what a phone's photo or a PDF tool's contract keeps after cleaning (the
picture or the pages, nothing that identifies), and what is refused, with which code.

Every file is made in the test (tests/evidence_samples.py)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from chalicelib.evidence.cleaner import clean, render_pages
from chalicelib.evidence.contract import Limits, Refusal, Refused
from tests import evidence_samples as samples


def refusal(data: bytes, limits: Limits | None = None) -> Refusal:
    with pytest.raises(Refused) as refused:
        clean(data, limits) if limits else clean(data)
    # What a refusal says comes from a fixed vocabulary: nothing read from the file.
    said = f"{refused.value} {refused.value.detail} {refused.value.code.message}"
    for leak in (samples.CANARY[:12], "example.invalid", "cmd.exe", "alert(", "invoice", "payslip", "<script"):
        assert leak not in said
    return refused.value.code


def pixel(image: Image.Image, at: tuple[int, int]) -> tuple[int, ...]:
    """A pixel's channels (an image of several bands has a tuple for each)."""
    value = image.getpixel(at)
    assert isinstance(value, tuple), value
    return value


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ---- photos ---------------------------------------------------------------------------------


def test_a_phone_photo_loses_gps_and_every_canary_and_keeps_its_picture() -> None:
    original = samples.gps_photo(800, 600)
    assert b"GPS" in original or samples.GPS_LATITUDE  # the sample does carry what we strip
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825), "the sample has a GPS IFD"
    cleaned = clean(original)
    assert (cleaned.kind, cleaned.media_type, cleaned.width, cleaned.height) == ("photo", "image/jpeg", 800, 600)
    samples.assert_image_has_no_metadata(cleaned.data)
    samples.assert_no_canary(cleaned.data)
    picture = decoded(cleaned.data)
    assert picture.size == (800, 600)
    assert pixel(picture, (20, 20))[2] > 90 and pixel(picture, (20, 20))[0] < 60  # the dark blue block
    assert cleaned.size == len(cleaned.data) and cleaned.summary() == {"kind": "photo", "bytes": cleaned.size}


def test_the_canary_check_would_see_each_encoding_of_the_canary() -> None:
    """The check itself: the original holds the canary in several encodings, and it finds them."""
    with pytest.raises(AssertionError):
        samples.assert_no_canary(samples.gps_photo())
    for form in (samples.CANARY.encode("utf-16-le"), samples.CANARY.encode("utf-16-be"), samples.CANARY.encode()):
        with pytest.raises(AssertionError):
            samples.assert_no_canary(b"\x00" * 7 + form + b"\x00")
    with pytest.raises(AssertionError):
        samples.assert_image_has_no_metadata(samples.gps_photo())


def test_the_exif_orientation_is_applied_before_the_metadata_goes() -> None:
    """A phone held upright stores a landscape sensor image with orientation 6 (rotate 90°):
    the clean photo is portrait, and the dark block that was top-left is now top-right."""
    cleaned = clean(samples.gps_photo(800, 600, orientation=6))
    assert (cleaned.width, cleaned.height) == (600, 800)
    picture = decoded(cleaned.data).convert("RGB")
    assert pixel(picture, (580, 20))[0] < 60 and pixel(picture, (20, 20))[0] > 60
    samples.assert_image_has_no_metadata(cleaned.data)


def test_the_longest_side_is_capped_at_2000_pixels() -> None:
    cleaned = clean(samples.gps_photo(3000, 1500))
    assert (cleaned.width, cleaned.height) == (2000, 1000)
    assert decoded(cleaned.data).size == (2000, 1000)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_a_png_loses_its_text_chunks_exif_and_trailing_bytes(mode: str) -> None:
    original = samples.png_with_text(mode)
    assert samples.CANARY.encode("utf-8") in b"".join(samples.payloads(original))
    cleaned = clean(original)
    assert cleaned.media_type == "image/png" and (cleaned.width, cleaned.height) == (640, 480)
    samples.assert_image_has_no_metadata(cleaned.data)
    samples.assert_no_canary(cleaned.data)
    picture = decoded(cleaned.data)
    assert picture.mode == {"RGB": "RGB", "RGBA": "RGBA", "L": "L", "P": "RGBA"}[mode]


def test_a_webp_loses_exif_xmp_and_icc() -> None:
    cleaned = clean(samples.webp_with_metadata())
    assert (cleaned.media_type, cleaned.width, cleaned.height) == ("image/webp", 400, 300)
    samples.assert_image_has_no_metadata(cleaned.data)
    samples.assert_no_canary(cleaned.data)


def test_an_animated_webp_keeps_its_first_frame_only() -> None:
    cleaned = clean(samples.webp_with_metadata(frames=3))
    picture = decoded(cleaned.data)
    assert getattr(picture, "n_frames", 1) == 1
    assert pixel(picture.convert("RGB"), (10, 10))[2] > 90  # the first frame's blue block
    samples.assert_no_canary(cleaned.data)


def test_a_multi_picture_jpeg_keeps_its_first_picture_only() -> None:
    original = samples.mpo_photo()
    with Image.open(io.BytesIO(original)) as before:
        assert getattr(before, "n_frames", 1) == 2
    cleaned = clean(original)
    assert (cleaned.media_type, cleaned.width, cleaned.height) == ("image/jpeg", 640, 480)
    samples.assert_image_has_no_metadata(cleaned.data)
    assert cleaned.data.count(b"\xff\xd8") == 1


def test_a_png_too_detailed_for_the_answer_becomes_a_jpeg_or_is_refused() -> None:
    noisy = samples.noisy_png(600, 600)
    cleaned = clean(noisy, Limits(max_output_bytes=400_000))
    assert cleaned.media_type == "image/jpeg" and len(cleaned.data) <= 400_000
    assert refusal(noisy, Limits(max_output_bytes=10_000)) is Refusal.TOO_LARGE


def test_cleaning_a_clean_file_again_is_stable() -> None:
    once = clean(samples.gps_photo())
    twice = clean(once.data)
    assert (twice.width, twice.height, twice.media_type) == (once.width, once.height, once.media_type)


def test_a_jpeg_html_polyglot_keeps_only_the_picture() -> None:
    """A JPEG that is also an HTML page (markup in a comment and after the end): the HTML goes."""
    cleaned = clean(samples.gps_photo())
    assert b"<html" not in cleaned.data and b"<script" not in cleaned.data


# ---- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", Refusal.EMPTY, id="empty"),
        pytest.param(samples.HTML_AS_JPG, Refusal.UNSUPPORTED_TYPE, id="html-renamed-jpg"),
        pytest.param(samples.SVG, Refusal.UNSUPPORTED_TYPE, id="svg"),
        pytest.param(samples.GIF, Refusal.UNSUPPORTED_TYPE, id="gif"),
        pytest.param(b"<!-- " + b"\xff\xd8\xff\xe0" + b"\x00" * 64, Refusal.UNSUPPORTED_TYPE, id="html-before-jpeg"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 64, Refusal.UNSUPPORTED_TYPE, id="zip"),
        pytest.param(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, Refusal.UNSUPPORTED_TYPE, id="heic"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 64, Refusal.MALFORMED, id="jpeg-signature-only"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8, Refusal.MALFORMED, id="webp-signature-only"),
    ],
)
def test_files_that_are_not_a_photo_or_a_pdf_are_refused(data: bytes, code: Refusal) -> None:
    assert refusal(data) is code


def test_a_truncated_jpeg_is_malformed() -> None:
    assert refusal(samples.truncated_jpeg()) is Refusal.MALFORMED


def test_a_truncated_png_is_malformed() -> None:
    png = samples.png_with_text()
    assert refusal(png[: len(png) // 2]) is Refusal.MALFORMED


def test_a_30000_by_30000_png_bomb_is_refused_from_its_header() -> None:
    bomb = samples.png_bomb(30_000)
    assert len(bomb) < 200_000  # small on the wire, 900 megapixels once decoded
    assert refusal(bomb) is Refusal.DECOMPRESSION_BOMB


def test_pillows_own_bomb_check_is_an_error_not_a_warning() -> None:
    """Pillow's limit is set to ours (50 MP). Between one and two times it, Pillow only warns: here
    that warning is an error, so a 64 MP image is refused even when our own check is lifted."""
    assert Limits().max_pixels == Image.MAX_IMAGE_PIXELS
    assert refusal(samples.png_bomb(8_000), Limits(max_pixels=10**10)) is Refusal.DECOMPRESSION_BOMB
    assert refusal(samples.gps_photo(800, 600), Limits(max_pixels=100_000)) is Refusal.DECOMPRESSION_BOMB


def test_a_5_mb_file_is_too_large_whatever_it_claims() -> None:
    assert refusal(b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024)) is Refusal.TOO_LARGE
    assert refusal(b"%PDF-1.7\n" + b" " * (5 * 1024 * 1024)) is Refusal.TOO_LARGE


def test_refusal_codes_map_to_http_statuses() -> None:
    statuses = {code: code.status for code in Refusal}
    assert statuses[Refusal.UNSUPPORTED_TYPE] == 415 and statuses[Refusal.TOO_LARGE] == 413
    assert statuses[Refusal.EMPTY] == 400
    assert {code for code, status in statuses.items() if status == 422} == {
        Refusal.DECOMPRESSION_BOMB,
        Refusal.MALFORMED,
        Refusal.TOO_MANY_PAGES,
        Refusal.PDF_ENCRYPTED,
        Refusal.PDF_ACTIVE_CONTENT,
        Refusal.PDF_EMBEDDED_FILE,
    }
    assert all(code.message.endswith(".") for code in Refusal)


# ---- PDFs -----------------------------------------------------------------------------------


def test_a_pdf_loses_info_xmp_and_every_canary_and_keeps_its_pages() -> None:
    original = samples.canary_pdf(pages=2)
    assert samples.CANARY.encode("utf-16-be") in b"".join(samples.payloads(original))
    cleaned = clean(original)
    assert (cleaned.kind, cleaned.media_type, cleaned.pages) == ("document", "application/pdf", 2)
    assert cleaned.summary() == {"kind": "document", "bytes": cleaned.size, "pages": 2}
    samples.assert_no_canary(cleaned.data)
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert pdf.is_linearized and len(pdf.pages) == 2
        assert pdf.pages[0].obj.Contents.read_bytes() == samples.PAGE_CONTENT
        note = pdf.pages[0].obj.Annots[0]
        assert note.Contents == "unpaid since March" and "/T" not in note and "/M" not in note
        field = pdf.pages[0].obj.Annots[1]
        assert field.V == "12" and "/T" not in field  # the value shows; the form's field names stay behind
        image = pdf.pages[0].obj.Resources.XObject.Im0
        assert set(image.keys()) <= {
            "/Type",
            "/Subtype",
            "/Width",
            "/Height",
            "/BitsPerComponent",
            "/ColorSpace",
            "/Length",
            "/Filter",
            "/DecodeParms",
        }
        assert set(pdf.pages[0].obj.keys()) == {"/Type", "/Parent", "/MediaBox", "/Contents", "/Resources", "/Annots"}
        assert "/Thumb" not in pdf.pages[0].obj and "/LastModified" not in pdf.pages[0].obj


def test_the_document_id_comes_from_the_content_not_the_machine() -> None:
    first, second = clean(samples.canary_pdf()), clean(samples.canary_pdf())
    assert first.data == second.data
    with pikepdf.open(io.BytesIO(first.data)) as pdf:
        assert len(pdf.trailer.ID) == 2


@pytest.mark.parametrize(
    "kind",
    [
        "javascript_name_tree",
        "open_action_javascript",
        "open_action_uri",
        "page_additional_action",
        "launch_link",
        "javascript_uri_link",
        "submit_form_link",
        "print_named_link",
        "chained_launch",
        "xfa",
        "rich_media",
    ],
)
def test_a_pdf_that_acts_is_refused(kind: str) -> None:
    assert refusal(samples.active_pdf(kind)) is Refusal.PDF_ACTIVE_CONTENT


@pytest.mark.parametrize("kind", ["embedded_file", "file_attachment_annotation"])
def test_a_pdf_that_carries_files_is_refused(kind: str) -> None:
    assert refusal(samples.active_pdf(kind)) is Refusal.PDF_EMBEDDED_FILE


def test_links_bookmarks_an_initial_view_and_tags_pass() -> None:
    cleaned = clean(samples.benign_pdf())
    assert cleaned.pages == 2
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        uris = [annotation.A.get("/URI") for annotation in pdf.pages[0].obj.Annots]
        assert uris[:2] == ["https://www.ilo.org/", "mailto:help@example.org"]
        assert "/OpenAction" not in pdf.Root and "/Outlines" not in pdf.Root  # the catalogue stays behind


@pytest.mark.parametrize("user_password", ["user-secret", ""])
def test_an_encrypted_pdf_is_refused_even_with_an_empty_password(user_password: str) -> None:
    assert refusal(samples.encrypted_pdf(user_password)) is Refusal.PDF_ENCRYPTED


def test_fifty_pages_pass_and_fifty_one_are_too_many() -> None:
    assert clean(samples.pdf_with_pages(50)).pages == 50
    assert refusal(samples.pdf_with_pages(51)) is Refusal.TOO_MANY_PAGES


def test_a_pdf_whose_streams_inflate_beyond_the_limit_is_a_bomb() -> None:
    limits = Limits(max_stream_bytes=8 * 1024 * 1024)
    assert clean(samples.pdf_flate_bomb(4 * 1024 * 1024), limits).pages == 1
    assert refusal(samples.pdf_flate_bomb(16 * 1024 * 1024), limits) is Refusal.DECOMPRESSION_BOMB


def test_a_pdf_drawing_a_30000_pixel_square_image_is_a_bomb() -> None:
    assert refusal(samples.pdf_image_bomb(30_000)) is Refusal.DECOMPRESSION_BOMB


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n%garbage that is no PDF at all\n", id="garbage"),
        pytest.param(
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
            id="no-pages",
        ),
    ],
)
def test_a_pdf_that_cannot_be_read_is_malformed(data: bytes) -> None:
    assert refusal(data) is Refusal.MALFORMED


def clean_image_in_pdf(original: bytes) -> tuple[bytes, bytes]:
    """The cleaned PDF of a sample that carried the canary in its image, and that image's bytes."""
    assert samples.CANARY.encode() in original
    cleaned = clean(original).data
    samples.assert_no_canary(cleaned)
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        return cleaned, bytes(pdf.pages[0].obj.Resources.XObject.Im0.read_raw_bytes())


def test_a_camera_jpeg_inside_a_pdf_loses_its_exif_and_keeps_its_picture() -> None:
    cleaned, jpeg = clean_image_in_pdf(samples.pdf_with_camera_jpeg())
    samples.assert_image_has_no_metadata(jpeg)
    assert decoded(jpeg).size == (400, 300)
    page = decoded(render_pages(cleaned, width=595, page_format="png")[0]).convert("RGB")
    red, _, blue = pixel(page, (120, 842 - 700 + 20))  # the photo's dark blue block, top-left of it
    assert blue > 90 and red < 60


def test_a_jpeg_2000_inside_a_pdf_loses_its_xml_and_uuid_boxes() -> None:
    _, jp2 = clean_image_in_pdf(samples.pdf_with_jp2())
    assert b"xml " not in jp2 and b"uuid" not in jp2 and decoded(jp2).size == (400, 300)


@pytest.mark.parametrize("damage", ["cut", "no-end"])
def test_a_pdf_whose_jpeg_is_damaged_is_malformed(damage: str) -> None:
    photo = samples.gps_photo(400, 300)
    broken = photo[: len(photo) // 2] if damage == "cut" else photo[: photo.rindex(b"\xff\xd9")]
    pdf = samples._pdf_with_image(broken, pikepdf.Name.DCTDecode, 400, 300)
    assert refusal(pdf) is Refusal.MALFORMED


def test_an_earlier_revision_left_in_the_file_does_not_survive() -> None:
    original = samples.pdf_with_old_revision()
    assert samples.CANARY.encode() in original
    cleaned = clean(original)
    samples.assert_no_canary(cleaned.data)
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        assert pdf.pages[0].obj.Contents.read_bytes() == samples.PAGE_CONTENT


def test_bytes_after_the_end_of_the_pdf_do_not_survive() -> None:
    cleaned = clean(samples.pdf_with_trailing_payload())
    samples.assert_no_canary(cleaned.data)
    assert b"<html" not in cleaned.data and cleaned.data.rstrip().endswith(b"%%EOF")


def test_a_pdf_of_more_objects_than_the_limit_is_refused_before_it_is_walked() -> None:
    assert clean(samples.pdf_with_objects(500), Limits(max_objects=1_000)).pages == 1
    assert refusal(samples.pdf_with_objects(2_000), Limits(max_objects=1_000)) is Refusal.DECOMPRESSION_BOMB


def test_a_pdf_with_bytes_before_its_header_is_not_taken_as_a_pdf() -> None:
    assert refusal(b"<html>" + samples.canary_pdf()) is Refusal.UNSUPPORTED_TYPE


# ---- pages as images ------------------------------------------------------------------------


def test_pages_render_as_images_of_the_asked_width() -> None:
    cleaned = clean(samples.canary_pdf(pages=3))
    pages = render_pages(cleaned.data, max_pages=2, width=600)
    assert len(pages) == 2
    first = decoded(pages[0])
    assert first.format == "WEBP" and first.width == 600 and abs(first.height - 842 * 600 / 595) <= 1
    # the blue rectangle drawn at (50, 600)-(250, 800) in points, from the bottom-left corner
    x, y = round(150 * 600 / 595), round((842 - 700) * 600 / 595)
    red, green, blue = pixel(first.convert("RGB"), (x, y))
    assert blue > 200 and red < 60 and green < 60
    assert decoded(render_pages(cleaned.data, max_pages=5, first_page=2, page_format="png")[0]).format == "PNG"
    assert render_pages(cleaned.data, first_page=3) == []


def test_a_very_tall_page_renders_at_most_three_widths_high() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 2000))
    page = render_pages(clean(samples.pdf_bytes(pdf)).data, width=400)[0]
    assert decoded(page).height == 1200 and decoded(page).width == 60


def test_render_arguments_are_checked_and_bad_bytes_refused() -> None:
    pdf = clean(samples.canary_pdf()).data
    for arguments in ({"width": 50}, {"width": 5000}, {"max_pages": 0}, {"max_pages": 6}, {"first_page": -1}):
        with pytest.raises(ValueError):
            render_pages(pdf, **arguments)  # type: ignore[arg-type]
    with pytest.raises(Refused) as refused:
        render_pages(b"%PDF-1.7 not really")
    assert refused.value.code is Refusal.MALFORMED


# ---- damaged files --------------------------------------------------------------------------


def _mutations(data: bytes, count: int, seed: int) -> list[bytes]:
    """`count` damaged copies of `data`: bytes overwritten, cut, or repeated, at seeded places."""
    import random

    chooser = random.Random(seed)
    copies = []
    for _ in range(count):
        damaged = bytearray(data)
        kind = chooser.choice(["flip", "flip", "cut", "repeat"])
        if kind == "flip":
            for _ in range(chooser.randint(1, 8)):
                damaged[chooser.randrange(len(damaged))] = chooser.randrange(256)
        elif kind == "cut":
            del damaged[chooser.randrange(16, len(damaged)) :]
        else:
            start = chooser.randrange(len(damaged))
            damaged[start:start] = damaged[start : start + chooser.randint(1, 512)]
        copies.append(bytes(damaged))
    return copies


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("jpeg", lambda: samples.gps_photo(320, 240)),
        ("png", lambda: samples.png_with_text("P", 160, 120)),
        ("webp", samples.webp_with_metadata),
        ("pdf", lambda: samples.canary_pdf(1)),
        ("pdf-with-jpeg", samples.pdf_with_camera_jpeg),
    ],
)
def test_a_damaged_file_is_cleaned_or_refused_never_an_error(name: str, make: object) -> None:
    """Whatever the damage, the answer is a clean file (which itself cleans again) or a refusal
    with a code: never another exception, which the API would turn into a 500. (Whether metadata
    survives is for the tests above, on files shaped as tools write them: a damaged byte can turn
    a key the cleaner knows, such as /Metadata, into one it has never heard of.)"""
    outcomes: dict[str, int] = {}
    for damaged in _mutations(make(), 30, seed=sum(map(ord, name))):  # type: ignore[operator]
        try:
            cleaned = clean(damaged)
        except Refused as refused:
            outcomes[refused.code.value] = outcomes.get(refused.code.value, 0) + 1
            continue
        outcomes["cleaned"] = outcomes.get("cleaned", 0) + 1
        assert clean(cleaned.data).kind == cleaned.kind
    assert sum(outcomes.values()) == 30, outcomes
