"""Distra's forecast engine (docs/forecasting.md): ``forecast()`` turns a long-format sales history
into forecasts with prediction intervals, choosing models by backtest on the history itself."""

import os

# LightGBM's OpenMP threads spin while they wait: on a shared machine (2 cores, other jobs) that made
# a fit ten times slower than one thread. Passive waiting must be set before OpenMP loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .errors import ForecastInputError
from .evaluation import backtest, evaluate
from .pipeline import ENGINE_VERSION, ForecastResult, forecast

__all__ = ["ENGINE_VERSION", "ForecastInputError", "ForecastResult", "backtest", "evaluate", "forecast"]
