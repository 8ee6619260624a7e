"""JSON responses encoded by orjson: the same documents as DRF's encoder, several times faster.

Times, dates and anything orjson does not know go through DRF's encoder, so they keep their
format (`…Z` for UTC); pretty-printing (`Accept: application/json; indent=2`) stays with DRF.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        encoded = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        # Like DRF: JSON that is also a strict JavaScript subset.
        return encoded.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
