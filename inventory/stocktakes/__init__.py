"""Stocktakes (kiểm kê): counting what a unit holds in a site or some rooms, by scans."""
