"""Entities: the people, organisations and places an article names (watchlists, a gazetteer of
countries and cities, capitalised names)."""

from newswatch.entities.names import Entity, EntityRule, extract_entities, extract_names, find_names

__all__ = ["Entity", "EntityRule", "extract_entities", "extract_names", "find_names"]
