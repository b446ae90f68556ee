"""The scanner page in chromium, whose fake camera films a label the project rendered.

Chromium feeds getUserMedia from a file (`--use-file-for-fake-video-capture`): a Y4M
written here from `labels.render_image`. BarcodeDetector is removed before the page
runs, so the vendored jsQR decodes (headless chromium on Linux has none anyway).
"""

from __future__ import annotations

import gzip
import json
import re
import secrets
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from inventory.tagcodes import ALPHABET, encode, room_url, url
from inventory.web.i18n import EN, VI
from labels import STOCKS, LabelData, render_image
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.world import PASSWORD, World

VECTORS = Path(__file__).parent.parent / "tag_vectors.json"
STATIC = Path(__file__).parent.parent.parent / "inventory" / "web" / "static"
FRAME = (640, 480)
MAX_PAGE_BYTES = 30 * 1024
SCAN_TIMEOUT_MS = 20_000
NO_BARCODE_DETECTOR = "delete window.BarcodeDetector;"


def _asset(world: World) -> dict:
    return world.create(
        "/api/v1/assets",
        name=f"Máy chiếu {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
        room_id=world.rooms["A"],
    )


def _write_y4m(label: LabelData, path: Path, frames: int = 3) -> Path:
    """The label on a white frame, as a Y4M video: a text header, then raw I420 frames."""
    image = render_image(label, STOCKS["a4-3x7"]).convert("L")
    width, height = FRAME
    image.thumbnail((width - 40, height - 40), Image.Resampling.LANCZOS)
    frame = Image.new("L", FRAME, 255)
    frame.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)  # grey: no colour
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


@pytest.fixture(scope="module")
def launch(server: str) -> Iterator[Callable[[Path], Browser]]:
    """Chromium with a fake camera filming the given video (the server starts first:
    Playwright's event loop and asyncio.run cannot share the thread)."""
    with sync_playwright() as playwright:
        browsers: list[Browser] = []

        def start(video: Path) -> Browser:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            )
            browsers.append(browser)
            return browser

        try:
            yield start
        finally:
            for browser in browsers:
                browser.close()


def _phone(browser: Browser, server: str, script: str = NO_BARCODE_DETECTOR) -> BrowserContext:
    context = browser.new_context(base_url=server, locale="vi-VN", **PHONE)
    context.grant_permissions(["camera"], origin=server)
    context.add_init_script(script)
    return context


def _sign_in_to_scan(page: Page, server: str) -> None:
    page.goto("/scan")
    expect(page).to_have_url(f"{server}/login?next=%2Fscan")
    page.get_by_label("Tên đăng nhập").fill("officer_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{server}/scan")


@pytest.fixture(scope="module")
def label_phone(
    launch: Callable[[Path], Browser], server: str, world: World, tmp_path_factory
) -> Iterator[tuple[Page, dict]]:
    """A phone whose camera films the label of a real asset of unit A."""
    asset = _asset(world)
    label = LabelData(
        url=url(server, asset["tag"]), tag=asset["tag"], unit_name="Xã Ia Rbol", asset_name=None
    )
    video = _write_y4m(label, tmp_path_factory.mktemp("camera") / "label.y4m")
    context = _phone(launch(video), server)
    try:
        yield context.new_page(), asset
    finally:
        context.close()


@pytest.fixture(scope="module")
def foreign_phone(
    launch: Callable[[Path], Browser], server: str, tmp_path_factory
) -> Iterator[Page]:
    """A phone whose camera films a QR code that is not one of our labels."""
    code = encode(5, "52")
    label = LabelData(url=f"https://example.com/t/{code}", tag=code, unit_name="Nơi khác")
    video = _write_y4m(label, tmp_path_factory.mktemp("camera") / "foreign.y4m")
    context = _phone(launch(video), server)
    page = context.new_page()
    _sign_in_to_scan(page, server)
    try:
        yield page
    finally:
        context.close()


def test_a_filmed_label_opens_its_assets_page(label_phone: tuple[Page, dict], server: str) -> None:
    page, asset = label_phone
    _sign_in_to_scan(page, server)
    expect(page).to_have_url(f"{server}/t/{asset['tag']}", timeout=SCAN_TIMEOUT_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(asset["name"])


def test_a_code_not_ours_is_refused_with_the_error_feedback(foreign_phone: Page) -> None:
    page = foreign_phone
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-decoder-in-use", "jsqr")
    expect(page.get_by_role("status")).to_have_text(VI["scanner_not_ours"], timeout=SCAN_TIMEOUT_MS)
    expect(scanner).to_have_attribute("data-feedback", "error")
    assert urlsplit(page.url).path == "/scan"
    expect(page.locator("#scan-torch")).to_be_hidden()  # the fake camera has no torch
    # Tap targets: every button and the field at least 44 px high.
    for control in page.locator("main button:visible, main input:visible").all():
        box = control.bounding_box()
        assert box is not None and box["height"] >= 44, control


def test_a_typed_tag_opens_its_page(foreign_phone: Page, server: str, world: World) -> None:
    page = foreign_phone
    asset = _asset(world)
    page.goto("/scan")
    typed = asset["tag"].lower().replace("1", "l").replace("0", "o")
    page.get_by_label(VI["scanner_tag"]).fill(f"  {typed} ")
    page.get_by_role("button", name=VI["scanner_open"], exact=True).click()
    expect(page).to_have_url(f"{server}/t/{asset['tag']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(asset["name"])


def test_a_typed_typo_is_refused_in_the_page(foreign_phone: Page, server: str) -> None:
    page = foreign_phone
    page.goto("/scan")
    code = encode(884_000_001, "52")
    wrong = ALPHABET[(ALPHABET.index(code[4]) + 1) % len(ALPHABET)]
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    field = page.get_by_label(VI["scanner_tag"])
    for typed, message in (
        (code[:4] + wrong + code[5:], VI["scanner_typo"]),
        (code[:-1], VI["scanner_malformed"]),
    ):
        field.fill(typed)
        page.get_by_role("button", name=VI["scanner_open"], exact=True).click()
        expect(page.get_by_role("alert")).to_have_text(message)
        expect(field).to_have_attribute("aria-invalid", "true")
    page.wait_for_timeout(300)
    assert urlsplit(page.url).path == "/scan"
    assert [u for u in sent if urlsplit(u).path.lower().startswith("/t")] == []


def test_tagcode_js_agrees_with_tagcodes_on_the_shared_vectors(foreign_phone: Page) -> None:
    page = foreign_phone
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    page.goto("/login")
    page.add_script_tag(url="/static/tagcode.js")
    wrong = page.evaluate(
        """vectors => vectors.filter(v => {
            const normalized = TagCode.normalize(v.input);
            return normalized !== v.normalized || TagCode.validate(normalized) !== v.result;
        })""",
        vectors,
    )
    assert len(vectors) > 1000 and wrong == []


def _sizes(context: BrowserContext, server: str, urls: list[str]) -> dict[str, tuple[int, int]]:
    """Each URL's body as sent (gzip asked for, as browsers do) and unpacked, in bytes."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies(server))
    sizes = {}
    for address in urls:
        request = urllib.request.Request(
            address, headers={"Accept-Encoding": "gzip", "Cookie": cookie}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert urlsplit(response.url).path == urlsplit(address).path
            body = response.read()
            packed = response.headers.get("Content-Encoding") == "gzip"
            sizes[urlsplit(address).path] = (
                len(body),
                len(gzip.decompress(body) if packed else body),
            )
    return sizes


def test_the_page_weighs_at_most_30_kb_without_the_decoder(
    foreign_phone: Page, server: str
) -> None:
    page = foreign_phone
    page.goto("/scan")
    expect(page.locator("#scanner")).to_have_attribute("data-decoder-in-use", "jsqr")
    loaded = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([location.href.split('#')[0]])"
    )
    own = [
        u for u in loaded if "/vendor/" not in u and urlsplit(u).netloc == urlsplit(server).netloc
    ]
    sizes = _sizes(page.context, server, own)
    assert {"/scan", "/static/app.css", "/static/tagcode.js", "/static/scan.js"} <= set(sizes)
    wire = sum(sent for sent, _ in sizes.values())
    unpacked = sum(full for _, full in sizes.values())
    print(f"scanner page: {sizes}; {wire} B over the wire, {unpacked} B unpacked")
    assert wire <= MAX_PAGE_BYTES and unpacked <= MAX_PAGE_BYTES


def test_a_label_whose_check_character_fails_is_refused(
    launch: Callable[[Path], Browser], server: str, tmp_path_factory
) -> None:
    code = encode(884_000_002, "52")
    typo = code[:-1] + ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    label = LabelData(url=url(server, typo), tag=typo, unit_name="Xã Ia Rbol")
    context = _phone(
        launch(_write_y4m(label, tmp_path_factory.mktemp("camera") / "typo.y4m")), server
    )
    try:
        page = context.new_page()
        _sign_in_to_scan(page, server)
        expect(page.get_by_role("status")).to_have_text(
            f"{typo}: {VI['scanner_typo']}", timeout=SCAN_TIMEOUT_MS
        )
        expect(page.locator("#scanner")).to_have_attribute("data-feedback", "error")
        assert urlsplit(page.url).path == "/scan"
    finally:
        context.close()


# The browser's own detector, where there is one: a stand-in reading our label's URL from
# the camera's frames once they come (Linux chromium has no BarcodeDetector).
NATIVE_DETECTOR = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code", "ean_13"]); }
  constructor(options) { this.formats = options.formats; }
  detect(video) {
    const seen = video.videoWidth > 0 && this.formats.includes("qr_code");
    return Promise.resolve(seen ? [{ rawValue: window.__label, format: "qr_code" }] : []);
  }
};
"""


def test_the_browsers_own_detector_is_used_where_there_is_one(
    foreign_phone: Page, server: str, world: World
) -> None:
    asset = _asset(world)
    script = f"window.__label = {json.dumps(url(server, asset['tag']))};{NATIVE_DETECTOR}"
    context = _phone(foreign_phone.context.browser, server, script)
    try:
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        _sign_in_to_scan(page, server)
        expect(page).to_have_url(f"{server}/t/{asset['tag']}", timeout=SCAN_TIMEOUT_MS)
        expect(page.get_by_role("heading", level=1)).to_have_text(asset["name"])
        assert [u for u in fetched if "/vendor/" in u] == []  # jsQR never loaded
    finally:
        context.close()


def test_a_room_label_opens_the_rooms_page(foreign_phone: Page, server: str, world: World) -> None:
    room = world.create(
        "/api/v1/rooms", site_id=world.sites["A"], name=f"Phòng họp {secrets.token_hex(3)}"
    )
    script = f"window.__label = {json.dumps(room_url(server, room['tag']))};{NATIVE_DETECTOR}"
    context = _phone(foreign_phone.context.browser, server, script)
    try:
        page = context.new_page()
        _sign_in_to_scan(page, server)
        expect(page).to_have_url(f"{server}/r/{room['tag']}", timeout=SCAN_TIMEOUT_MS)
        expect(page.get_by_role("heading", level=1)).to_have_text(room["name"])
    finally:
        context.close()


TORCH = """
MediaStreamTrack.prototype.getCapabilities = function () { return { torch: true }; };
MediaStreamTrack.prototype.applyConstraints = function (wanted) {
  window.__torch = (window.__torch || []).concat([wanted.advanced[0].torch]);
  return Promise.resolve();
};
"""


def test_the_torch_button_where_the_camera_has_one(foreign_phone: Page, server: str) -> None:
    context = _phone(foreign_phone.context.browser, server, NO_BARCODE_DETECTOR + TORCH)
    try:
        page = context.new_page()
        _sign_in_to_scan(page, server)
        torch = page.locator("#scan-torch")
        expect(torch).to_have_text(VI["scanner_torch_on"])
        torch.click()
        expect(torch).to_have_text(VI["scanner_torch_off"])
        expect(torch).to_have_attribute("aria-pressed", "true")
        torch.click()
        expect(torch).to_have_text(VI["scanner_torch_on"])
        assert page.evaluate("window.__torch") == [True, False]
        assert torch.bounding_box()["height"] >= 44
    finally:
        context.close()


def test_the_page_in_english(foreign_phone: Page) -> None:
    page = foreign_phone
    page.goto("/scan?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(EN["scanner_title"])
    expect(page.get_by_role("status")).to_have_text(EN["scanner_not_ours"], timeout=SCAN_TIMEOUT_MS)
    page.get_by_label(EN["scanner_tag"]).fill("52-")
    page.get_by_role("button", name=EN["scanner_open"], exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(EN["scanner_malformed"])
    page.goto("/scan?lang=vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(VI["scanner_title"])


# Safari 15 on iOS: none of the syntax it lacks, and none needing a build step (modules,
# class fields); the page's own scripts keep to ES5 besides Promise.
NOT_ES5 = re.compile(r"=>|\?\.|\?\?|\b(?:let|const|class|async|await|import|export)\b|`")


@pytest.mark.parametrize("name", ["scan.js", "tagcode.js"])
def test_the_scripts_keep_to_es5(name: str) -> None:
    source = (STATIC / name).read_text(encoding="utf-8")
    code = re.sub(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\]|\\.)*"', "", source, flags=re.S)
    assert NOT_ES5.findall(code) == []
