"""Request envelopes in and response envelopes out, as ask-sdk-core's DefaultSerializer makes them, only faster.

DefaultSerializer re-reads every model's type strings, re-imports each class by name and runs dateutil
on every call; profiling put that at a third of a request's Python time. Here each type string and
model class is resolved once into a plan, then reused, giving the same objects for the same JSON
(tests/test_codec.py checks that against the SDK's serializer). Handlers still receive ask_sdk_model
objects, so the SDK's handler API is untouched.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ask_sdk_core import serialize as sdk_serialize
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from dateutil.parser import parse as parse_datetime
from dateutil.tz import tzutc

from skill.content.loader import SharedJson

Convert = Callable[[Any], Any]
PRIMITIVES = (float, bool, bytes, str, int)
NATIVE_TYPES: dict[str, type] = {
    "int": int, "long": int, "float": float, "str": str, "bool": bool,
    "date": date, "datetime": datetime, "object": object,
}
LIST_TYPE = re.compile(r"list\[(.*)\]")
DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)")
# Alexa's own timestamp shape; anything else goes through dateutil exactly as the SDK does.
ALEXA_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z")
IMMUTABLE = (type(None), str, int, float, bool, bytes, Enum)
UTC = tzutc()


class EnvelopeCodec:
    """Compiles ask_sdk_model classes on first sight; one instance per process is enough."""

    def __init__(self) -> None:
        self._converters: dict[Any, Convert] = {}
        self._models: dict[type, Convert] = {}
        self._fields: dict[type, tuple[tuple[str, str], ...]] = {}

    def request_envelope(self, payload: dict[str, Any]) -> RequestEnvelope:
        """A parsed JSON envelope as the SDK's RequestEnvelope; any mismatch raises SerializationException."""
        try:
            return self.convert(payload, RequestEnvelope)
        except SerializationException:
            raise
        except Exception as error:  # the SDK wraps every model error the same way
            raise SerializationException(str(error)) from error

    def response_dict(self, envelope: ResponseEnvelope) -> dict[str, Any]:
        """The response envelope as plain JSON values, keyed by Alexa's names, None fields left out."""
        return self.plain(envelope)

    def convert(self, payload: Any, spec: Any) -> Any:
        """Deserialise one value for a type given as a class or as the SDK's type string."""
        if payload is None:
            return None
        return self._converter(spec)(payload)

    def _converter(self, spec: Any) -> Convert:
        converter = self._converters.get(spec)
        if converter is None:
            converter = self._converters[spec] = self._compile(spec)
        return converter

    def plain(self, value: Any) -> Any:
        """Serialise like DefaultSerializer.serialize, with each model's key map built once."""
        if value is None or isinstance(value, PRIMITIVES):
            return value
        if isinstance(value, dict):
            if type(value) is SharedJson:  # JSON values only, read once: sent as it is
                return value
            return {key: self.plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.plain(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.plain(item) for item in value)
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, Decimal):
            return int(value) if value % 1 == 0 else float(value)
        fields = self._fields.get(type(value))
        if fields is None:
            fields = self._fields[type(value)] = tuple(merged_attribute_map(type(value)).items())
        plain = self.plain
        result = {}
        for attribute, key in fields:
            item = getattr(value, attribute)
            if item is not None:  # most fields are strings or numbers: kept without a call
                result[key] = item if isinstance(item, PRIMITIVES) else plain(item)
        return result

    def _compile(self, spec: Any) -> Convert:
        if isinstance(spec, str):
            if spec.startswith("list["):
                return self._list_converter(spec)
            if spec.startswith("dict("):
                return self._dict_converter(spec)
            spec = NATIVE_TYPES[spec] if spec in NATIVE_TYPES else load_class(spec)
        if spec in PRIMITIVES:
            return primitive_converter(spec)
        if spec is object:
            return lambda payload: payload
        if spec is datetime:
            return to_datetime
        if spec is date:
            return lambda payload: to_datetime(payload).date()
        if hasattr(spec, "get_real_child_model"):  # an abstract base: the payload names the class
            return lambda payload: self._model(payload, spec)
        # A concrete model is built straight away; request_envelope wraps any error as _model would.
        build = self._models.get(spec)
        if build is None:
            build = self._models[spec] = self._model_builder(spec)
        return build

    def _list_converter(self, spec: str) -> Convert:
        match = LIST_TYPE.match(spec)
        if match is None:
            return lambda payload: []
        inner = match.group(1)
        if "," in inner:
            parts = [part.strip() for part in inner.split(",")]
            return lambda payload: [self.convert(item, part) for item, part in zip(payload, parts)]
        inner = inner.strip()
        return lambda payload: [self.convert(item, inner) for item in payload]

    def _dict_converter(self, spec: str) -> Convert:
        match = DICT_TYPE.match(spec)
        if match is None:
            return lambda payload: {}
        inner = match.group(2)
        return lambda payload: {key: self.convert(item, inner) for key, item in payload.items()}

    def _model(self, payload: Any, model: Any) -> Any:
        """One model object; abstract bases pick their concrete class from the payload, as in the SDK."""
        try:
            if hasattr(model, "get_real_child_model"):
                name = model.get_real_child_model(payload)
                if not name:
                    raise SerializationException(f"Couldn't resolve object by discriminator type for {model} class")
                model = load_class(name)
            build = self._models.get(model)
            if build is None:
                build = self._models[model] = self._model_builder(model)
            return build(payload)
        except SerializationException:
            raise
        except Exception as error:
            raise SerializationException(str(error)) from error

    def _model_builder(self, model: type) -> Convert:
        """A function filling a fresh instance field by field, then any keys the model does not know."""
        if issubclass(model, Enum):
            return model
        if not hasattr(model, "deserialized_types"):
            return lambda payload: payload
        types = model.deserialized_types
        # Each field with the primitive type its values already have when no conversion is needed, so a
        # string costs no call; other converters are found when the field first arrives (resolving them
        # all up front would import every model a field could hold, APL's on a speaker too).
        fields = tuple((attribute, key, types[attribute], primitive_of(types[attribute]))
                       for attribute, key in merged_attribute_map(model).items())
        known = frozenset(key for _, key, _, _ in fields)
        new_instance = instance_factory(model)
        converters, converter_for = self._converters, self._converter

        def build(payload: Any) -> Any:
            instance = new_instance()
            for attribute, key, spec, kind in fields:
                if key in payload:
                    value = payload[key]
                    if value is not None and type(value) is not kind:
                        value = (converters.get(spec) or converter_for(spec))(value)
                    setattr(instance, attribute, value)
            if not known.issuperset(payload):
                for key in payload:
                    if key not in known:
                        setattr(instance, key, payload[key])
            return instance

        return build


def merged_attribute_map(model: type) -> dict[str, str]:
    """Python name -> JSON name for every field, the SDK's attribute_map completed with identical names."""
    mapping = dict(getattr(model, "attribute_map", {}))
    for attribute in model.deserialized_types:  # type: ignore[attr-defined]
        mapping.setdefault(attribute, attribute)
    return mapping


def instance_factory(model: type) -> Callable[[], Any]:
    """Copy the attributes a no-argument constructor sets, when they are all immutable; else call it."""
    try:
        template = model().__dict__
    except Exception:
        return model
    if not all(isinstance(value, IMMUTABLE) for value in template.values()):
        return model
    new = object.__new__

    def instance() -> Any:
        made = new(model)
        made.__dict__.update(template)
        return made

    return instance


def primitive_of(spec: Any) -> type | None:
    """The primitive type a spec names ("str", "int", ...), whose values of exactly that type pass unchanged."""
    kind = NATIVE_TYPES.get(spec) if isinstance(spec, str) else spec
    return kind if kind in PRIMITIVES else None


def primitive_converter(kind: type) -> Convert:
    """kind(payload) with the SDK's fallbacks: a value that cannot be cast is kept, a bad string is refused."""

    def convert(payload: Any) -> Any:
        if type(payload) is kind:
            return payload
        try:
            return kind(payload)
        except UnicodeEncodeError:
            return str(payload)
        except TypeError:
            return payload
        except ValueError as error:
            raise SerializationException(f"Failed to parse {payload} into '{kind.__name__}' object") from error

    return convert


def to_datetime(payload: Any) -> datetime:
    """Alexa's UTC timestamps by the standard library, everything else by dateutil, as the SDK parses them."""
    if isinstance(payload, str) and ALEXA_TIMESTAMP.fullmatch(payload):
        return datetime.fromisoformat(payload[:-1]).replace(tzinfo=UTC)
    try:
        return parse_datetime(payload)
    except ValueError as error:
        raise SerializationException(f"Failed to parse {payload} into 'datetime' object") from error


def load_class(name: str) -> Any:
    """Resolve 'package.module.Class' once; a bare name is looked up where the SDK's serializer looks."""
    module_name, _, class_name = name.rpartition(".")
    try:
        if module_name:
            return getattr(__import__(module_name, fromlist=[class_name]), class_name)
        return getattr(sys.modules[sdk_serialize.__name__], class_name)
    except Exception as error:
        raise SerializationException(f"Unable to resolve class {name} from installed modules: {error}") from error
