# Runs an example in a scratch directory and compares its output with the expected text.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
# An example for PostgreSQL takes the test server's URI.
if(DEFINED ENV{STITCH_TEST_POSTGRES} AND NOT DEFINED ENV{STITCH_EXAMPLE_POSTGRES})
  set(ENV{STITCH_EXAMPLE_POSTGRES} "$ENV{STITCH_TEST_POSTGRES}")
endif()
execute_process(COMMAND ${PROGRAM} WORKING_DIRECTORY ${WORK_DIR} TIMEOUT 60
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}\n${out}\n${err}")
endif()
file(READ ${EXPECTED} expected)
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "output differs from ${EXPECTED}\n--- got ---\n${out}--- expected ---\n${expected}")
endif()
message(STATUS "${out}")
