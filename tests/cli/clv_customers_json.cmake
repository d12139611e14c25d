# Runs `crm-metrics clv --customers - --customers-format json` on IN and checks the output is one
# JSON document (parsed by CMake's own JSON reader) with the expected customers and values.
# -DEXE=... -DIN=... -DWORK=... ; expected figures are lifetimes' (see tests/cli/CMakeLists.txt).
execute_process(COMMAND ${EXE} clv -o ${WORK}/clv_json_report.txt --customers - --customers-format json ${IN}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit ${rc}: ${err}")
endif()
string(JSON count ERROR_VARIABLE bad LENGTH "${out}" customers)
if(bad)
  message(FATAL_ERROR "not JSON: ${bad}")
endif()
# expect(REGEX PATH...): the value at PATH (keys and indices) matches REGEX.
function(expect regex)
  string(JSON value GET "${out}" ${ARGN})
  if(NOT "${value}" MATCHES "${regex}")
    message(FATAL_ERROR "${ARGN}: '${value}' does not match '${regex}'")
  endif()
endfunction()
if(NOT count EQUAL 2357)
  message(FATAL_ERROR "${count} customers, not 2357")
endif()
expect("^12$" horizon_months)
# Customer 1 (first row) and 157 (row 157): id, summary and lifetimes' predictions.
expect("^1$" customers 0 customer_id)
expect("^2$" customers 0 x)
expect("^0\\.72660" customers 0 p_alive)
expect("^36\\.73" customers 0 clv)
expect("^157$" customers 156 customer_id)
expect("^25\\.126" customers 156 expected_purchases)
expect("^26\\.39" customers 156 expected_spend)
# Customer 4 has no repeat purchase: spend from the population mean.
expect("^35\\.171" customers 3 expected_spend)
