"""Every API blueprint, in the order they appear in the OpenAPI document."""


def blueprints():
    return []
