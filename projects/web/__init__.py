"""The programme managers' web UI: server-rendered pages over the domain's services and selectors."""
