"""The area tree (city > district > town > village > grid) and the sites that belong to areas."""
