"""Who is asking, for ``kit serve``: Voilà's own rule, plus the cookie that lets a page close its kernel.

When a person leaves a page (closes the tab, reloads, follows a link), the
page asks the server to shut its kernel down, sending the ``_xsrf`` cookie
with the request as its proof of coming from this server's own page. Voilà
renders notebook pages without ever setting that cookie, so the server
refused every such request and each left page's kernel (some 55 MiB) stayed
until the idle cull, ten minutes later. A coach's room of twelve people
moving between workbooks piled up dozens of them.
"""

from __future__ import annotations

from jupyter_server.auth.identity import PasswordIdentityProvider, User
from tornado import web


class KitIdentityProvider(PasswordIdentityProvider):
    """Voilà's default identity provider that also sets the ``_xsrf`` cookie on page views."""

    def get_handlers(self) -> list[tuple[str, object]]:
        """No login or logout pages: the kit has no passwords (Voilà's answered 500)."""
        return []

    async def _get_user(self, handler: web.RequestHandler) -> User | None:
        user = await super()._get_user(handler)
        request = handler.request
        if user is not None and request.method == "GET" and "/voila/render/" in request.path:
            # Reading the token makes tornado set the cookie, before the page
            # streams; it reads the user, which jupyter_server sets only after
            # this returns (to this same value).
            handler.current_user = user
            handler.xsrf_token  # noqa: B018
        return user
