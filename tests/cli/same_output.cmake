# Runs the CLI on two inputs given on stdin and checks that the outputs are byte-identical.
# -DEXE=path -DARGS="a|b" -DIN1=file -DIN2=file
string(REPLACE "|" ";" ARGS "${ARGS}")
execute_process(COMMAND ${EXE} ${ARGS} INPUT_FILE ${IN1} RESULT_VARIABLE c1 OUTPUT_VARIABLE o1
                ERROR_VARIABLE e1)
execute_process(COMMAND ${EXE} ${ARGS} INPUT_FILE ${IN2} RESULT_VARIABLE c2 OUTPUT_VARIABLE o2
                ERROR_VARIABLE e2)
if(NOT c1 EQUAL 0 OR NOT c2 EQUAL 0)
  message(FATAL_ERROR "exit codes ${c1} and ${c2}\n${e1}\n${e2}")
endif()
if(NOT o1 STREQUAL o2)
  message(FATAL_ERROR "outputs differ:\n${o1}\n----\n${o2}")
endif()
string(LENGTH "${o1}" n)
if(n LESS 1000)
  message(FATAL_ERROR "output too short to be a report:\n${o1}")
endif()
