"""Bulk import of master data from CSV and XLSX, one kind of row per file (see base.py)."""

from .base import ImportReport, KindImporter, Problem, check_header, run_import
from .distributors import DistributorImporter
from .outlets import OutletImporter
from .pricing import PriceListImporter, SchemeImporter
from .skus import SKUImporter

IMPORTERS: dict[str, type[KindImporter]] = {
    importer.kind: importer for importer in (DistributorImporter, OutletImporter, SKUImporter, PriceListImporter, SchemeImporter)
}
KINDS = tuple(IMPORTERS)

__all__ = ["IMPORTERS", "KINDS", "ImportReport", "KindImporter", "Problem", "check_header", "run_import"]
