"""Generated at build time from proto/passerelle/v1 (see clients/python/CMakeLists.txt)."""
