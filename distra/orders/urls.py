"""Order pages: taking and following orders (views), dispatch and proof of delivery (views_delivery)."""

urlpatterns: list = []
