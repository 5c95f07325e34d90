# Warnings per target, never through global flags.
function(stitch_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    $<$<BOOL:${STITCH_WERROR}>:-Werror>)
endfunction()
