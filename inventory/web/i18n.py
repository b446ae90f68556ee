"""Page texts: Vietnamese first, English when asked (?lang=en, remembered in a cookie)."""

from __future__ import annotations

from litestar import Request

VI: dict[str, str] = {
    "lang": "vi",
    "other_lang": "en",
    "other_lang_name": "English",
    "app_name": "Kiểm kê tài sản xã",
    "login_title": "Đăng nhập",
    "login": "Tên đăng nhập",
    "password": "Mật khẩu",
    "sign_in": "Đăng nhập",
    "sign_out": "Đăng xuất",
    "login_error": "Sai tên đăng nhập hoặc mật khẩu.",
    "welcome": "Xin chào",
    "scan_hint": "Quét mã QR trên tem tài sản bằng camera điện thoại để mở trang của tài sản.",
    "api_docs": "Tài liệu API",
}

EN: dict[str, str] = {
    "lang": "en",
    "other_lang": "vi",
    "other_lang_name": "Tiếng Việt",
    "app_name": "Commune Inventory",
    "login_title": "Sign in",
    "login": "Login",
    "password": "Password",
    "sign_in": "Sign in",
    "sign_out": "Sign out",
    "login_error": "Wrong login or password.",
    "welcome": "Hello",
    "scan_hint": "Scan the QR code on an asset label with your phone's camera to open its page.",
    "api_docs": "API documentation",
}


def texts(request: Request, lang: str | None) -> dict[str, str]:
    chosen = lang or request.cookies.get("lang") or "vi"
    return EN if chosen == "en" else VI
