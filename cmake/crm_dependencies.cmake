# Every dependency comes from a Debian package: find_package only, never a download.
macro(crm_require pkg debian)
  find_package(${pkg} ${ARGN})
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "${pkg} not found: install the Debian package '${debian}'")
  endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
crm_require(Eigen3 libeigen3-dev 3.3 NO_MODULE)
crm_require(fmt libfmt-dev)
crm_require(nlohmann_json nlohmann-json3-dev 3.10)
crm_require(date libhowardhinnant-date-dev)
crm_require(absl libabsl-dev)
# CLV models (src/metrics/clv): Boost.Math special functions and the LBFGSpp optimiser, both
# header-only and private to crm::metrics (no installed header includes them).
crm_require(Boost libboost-dev 1.74)
find_path(CRM_LBFGSPP_INCLUDE_DIR LBFGS.h PATH_SUFFIXES include)
if(NOT CRM_LBFGSPP_INCLUDE_DIR OR NOT EXISTS "${CRM_LBFGSPP_INCLUDE_DIR}/LBFGSpp/Param.h")
  message(FATAL_ERROR "LBFGSpp not found: install the Debian package 'liblbfgspp-dev'")
endif()
if(CRM_BUILD_TOOLS)
  crm_require(CLI11 libcli11-dev 2.1)
endif()
if(CRM_BUILD_TESTS)
  crm_require(Catch2 catch2 2.13)
endif()

# Header-only private dependencies: take their include directories only, so that neither the
# installed nor the build-tree export of our static libraries names their targets.
function(crm_use_headers target dependency)
  target_include_directories(${target} SYSTEM PRIVATE
    $<TARGET_PROPERTY:${dependency},INTERFACE_INCLUDE_DIRECTORIES>)
  target_compile_definitions(${target} PRIVATE
    $<TARGET_PROPERTY:${dependency},INTERFACE_COMPILE_DEFINITIONS>)
endfunction()
