"""The read-only JSON API under ``/api/`` (django-ninja): papers, editions, pages, articles
and search, with an OpenAPI 3 schema at ``/api/openapi.json`` and its docs at ``/api/docs``.

What it shows is what readers may see, through the same ``published()`` querysets
as the readers' views; ``gate`` puts the rules of the door around every response
(CORS, rate limits and API keys, conditional GET, problem details for errors).
"""
