# Install the headers, both libraries, the CLI, a CMake package and a pkg-config file.
set(CRM_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/crm_metrics")

install(DIRECTORY include/crm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT devel)
install(FILES "${PROJECT_BINARY_DIR}/include/crm/version.hpp"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/crm COMPONENT devel)

set(crm_targets crm_metrics crm_io)
if(TARGET crm-metrics)
  list(APPEND crm_targets crm-metrics)
endif()
install(TARGETS ${crm_targets}
  EXPORT crm_metricsTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT crm_metricsTargets NAMESPACE crm:: DESTINATION ${CRM_CMAKE_DIR} COMPONENT devel)
export(EXPORT crm_metricsTargets NAMESPACE crm::
       FILE "${PROJECT_BINARY_DIR}/crm_metricsTargets.cmake")

configure_package_config_file(cmake/crm_metricsConfig.cmake.in
  "${PROJECT_BINARY_DIR}/crm_metricsConfig.cmake"
  INSTALL_DESTINATION ${CRM_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/crm_metricsConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/crm_metricsConfig.cmake"
              "${PROJECT_BINARY_DIR}/crm_metricsConfigVersion.cmake"
        DESTINATION ${CRM_CMAKE_DIR} COMPONENT devel)

configure_file(cmake/crm_metrics.pc.in "${PROJECT_BINARY_DIR}/crm_metrics.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/crm_metrics.pc"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT devel)
