"""Input serializers (validation of request bodies) and output shapes for the schema, one module per
module of api/views/ (errors for api/schema.py; common for shapes more than one of them answers with)."""
