"""Distra's forecast engine (docs/forecasting.md): ``forecast()`` turns a long-format sales history
into forecasts with prediction intervals, choosing models by backtest on the history itself."""

from .errors import ForecastInputError
from .evaluation import backtest, evaluate
from .pipeline import ENGINE_VERSION, ForecastResult, forecast

__all__ = ["ENGINE_VERSION", "ForecastInputError", "ForecastResult", "backtest", "evaluate", "forecast"]
