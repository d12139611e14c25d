# Warnings live on an unexported INTERFACE target that our own targets link PRIVATE,
# so consumers never inherit our flags (or -Werror).
add_library(crm_warnings INTERFACE)
target_compile_options(crm_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align -Wnull-dereference -Wdouble-promotion
    -Wformat=2 -Wimplicit-fallthrough>
  # GCC 12 at -O2 reports impossible overlaps in std::string concatenation (-Wrestrict false
  # positive, GCC bug 105329, fixed in GCC 13): keep it a warning, not an error.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-error=restrict>
  $<$<AND:$<BOOL:${CRM_WARNINGS_AS_ERRORS}>,$<CXX_COMPILER_ID:GNU,Clang>>:-Werror>)

# Static libraries export even $<BUILD_INTERFACE:...> private links on CMake 3.25, so the flags
# are copied onto each of our targets instead of linking the interface target.
function(crm_enable_warnings target)
  target_compile_options(${target} PRIVATE $<TARGET_PROPERTY:crm_warnings,INTERFACE_COMPILE_OPTIONS>)
endfunction()
