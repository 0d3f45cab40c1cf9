from ninja import Router

imports_router = Router(tags=["imports"])
exports_router = Router(tags=["exports"])
