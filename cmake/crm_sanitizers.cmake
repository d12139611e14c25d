# CRM_SANITIZE=ON instruments every target of this build (library, tools, tests) with ASan+UBSan.
if(CRM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
