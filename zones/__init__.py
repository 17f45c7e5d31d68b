"""Zone polygons (low-emission, 禁高区, coal-ban, fuel-ban) and the rules they enforce."""
