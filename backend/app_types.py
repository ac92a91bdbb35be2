from types import SimpleNamespace

from sanic import Sanic
from sanic.config import Config

App = Sanic[Config, SimpleNamespace]
