# dc_import_source: the importer's source layer (importer/src/source.h),
# reading map layers with GDAL/OGR, decoding legacy Vietnamese encodings
# with our own tables plus utf8proc, reprojecting with PROJ through OGR.
# Included by importer/CMakeLists.txt; dc_import links it.
if(NOT TARGET GDAL::GDAL)
  find_package(GDAL CONFIG REQUIRED)
endif()
if(NOT TARGET PkgConfig::UTF8PROC)
  pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
endif()
find_package(Threads REQUIRED)
# Visible to the whole build: tests and tools outside importer/ link GDAL too,
# and imported targets are otherwise local to the directory that found them.
set_target_properties(GDAL::GDAL PkgConfig::UTF8PROC PROPERTIES IMPORTED_GLOBAL TRUE)

add_library(dc_import_source STATIC
  ${CMAKE_CURRENT_LIST_DIR}/src/source.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_roles.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_gdal.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_list.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_layer.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_crs.c
  ${CMAKE_CURRENT_LIST_DIR}/src/reproject.c
  ${CMAKE_CURRENT_LIST_DIR}/src/reproject_tiles.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_read.c
  ${CMAKE_CURRENT_LIST_DIR}/src/source_shp.c)
target_include_directories(dc_import_source PUBLIC
  ${CMAKE_CURRENT_LIST_DIR}/src
  ${PROJECT_SOURCE_DIR}/index/include)
target_link_libraries(dc_import_source
  PUBLIC GDAL::GDAL PkgConfig::UTF8PROC dc_index dc_encoding Threads::Threads
  PRIVATE dc_build_flags m)
