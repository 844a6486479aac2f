"""The criteria language: normalisation, the cached Lark parser, the transformer."""
