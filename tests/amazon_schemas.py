"""Walk a JSON document against Amazon's own SMAPI model classes (pip: ask-smapi-model).

Each class lists the JSON keys it knows in `attribute_map` and the type of each in
`deserialized_types`; a key the classes do not know is a key Amazon would not read (a typo such as
`smallIconUrl`), so every one is reported with its path. Enum-typed values must be one of the
enum's values. Polymorphic classes are followed by their discriminator (`type`); a value the SDK
does not model yet (CAN_FULFILL_INTENT_REQUEST) is checked against the base class's keys.
"""
from __future__ import annotations

import enum
import importlib
import re
from typing import Any

LIST_TYPE = re.compile(r"^list\[(?P<item>.+)\]$")
DICT_TYPE = re.compile(r"^dict\(str, (?P<value>.+)\)$")
SCALARS = {"str": str, "bool": bool, "int": int, "float": (int, float), "object": object}


def load_class(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def unknown_keys(document: Any, type_name: str, path: str = "$") -> list[str]:
    """Every finding as 'path: reason'; an empty list means Amazon's classes know every key and value."""
    if type_name in SCALARS:
        expected = SCALARS[type_name]
        if not isinstance(document, expected) or (type_name in ("int", "float") and isinstance(document, bool)):
            return [f"{path}: expected {type_name}, got {type(document).__name__}"]
        return []
    if match := LIST_TYPE.match(type_name):
        if not isinstance(document, list):
            return [f"{path}: expected a list, got {type(document).__name__}"]
        return [finding for index, item in enumerate(document)
                for finding in unknown_keys(item, match["item"], f"{path}[{index}]")]
    if match := DICT_TYPE.match(type_name):
        if not isinstance(document, dict):
            return [f"{path}: expected an object, got {type(document).__name__}"]
        return [finding for key, value in document.items()
                for finding in unknown_keys(value, match["value"], f"{path}.{key}")]
    model = load_class(type_name)
    if issubclass(model, enum.Enum):
        allowed = [member.value for member in model]
        return [] if document in allowed else [f"{path}: {document!r} is not one of {allowed}"]
    return object_findings(document, model, path)


def object_findings(document: Any, model: type, path: str) -> list[str]:
    if not isinstance(document, dict):
        return [f"{path}: expected an object ({model.__name__}), got {type(document).__name__}"]
    model = concrete_class(document, model)
    json_to_attribute = {json_key: attribute for attribute, json_key in model.attribute_map.items()}
    findings = []
    for key, value in document.items():
        attribute = json_to_attribute.get(key)
        if attribute is None:
            findings.append(f"{path}.{key}: not a key of {model.__name__} "
                            f"(known: {', '.join(sorted(json_to_attribute))})")
            continue
        findings += unknown_keys(value, model.deserialized_types[attribute], f"{path}.{key}")
    return findings


def concrete_class(document: dict[str, Any], model: type) -> type:
    """The subclass the discriminator names (e.g. an interface's `type`), else the class itself."""
    key = getattr(model, "json_discriminator_key", None)
    mapping = getattr(model, "discriminator_value_class_map", None)
    if key and mapping and document.get(key) in mapping:
        return load_class(mapping[document[key]])
    return model


MANIFEST = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"
INTERACTION_MODEL = "ask_smapi_model.v1.skill.interaction_model.interaction_model_data.InteractionModelData"
