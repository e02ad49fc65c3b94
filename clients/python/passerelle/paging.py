"""Iteration over paged list rpcs.

Any rpc whose request has a `page_token` field and whose response has a `next_page_token` field pages the
same way (ListAuditEntries today; ListCandidates and ListOpenings where the server has them): send the
request, yield the items of the response, then resend the request with page_token = next_page_token until
the server answers an empty next_page_token.
"""

from typing import Any, Callable, Iterator


def iterate_pages(call: Callable[[Any], Any], request: Any, items_field: str) -> Iterator[Any]:
    """Yields every element of `items_field` over all pages of `call(request)`.

    `call` takes a request and returns a response (a bound Client method or a stub method);
    `request` is copied, never modified.
    """
    if not hasattr(request, "page_token"):
        raise TypeError(f"{type(request).__name__} has no page_token field: not a paged request")
    page_request = type(request)()
    page_request.CopyFrom(request)
    seen_tokens = set()
    while True:
        response = call(page_request)
        yield from getattr(response, items_field)
        token = response.next_page_token
        if not token:
            return
        # A server that hands back a token it already gave would loop forever.
        if token in seen_tokens:
            raise RuntimeError("the server repeated a page token")
        seen_tokens.add(token)
        page_request.page_token = token
