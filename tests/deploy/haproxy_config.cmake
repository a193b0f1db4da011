# deploy_haproxy_config: deploy/haproxy.cfg is what deploy/haproxy-config.sh prints for three
# nodes, and HAProxy accepts it (haproxy -c).
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env --unset=BALANCER_LISTEN --unset=BALANCER_STATS
          --unset=BALANCER_STATS_HTTP --unset=BALANCER_LOG --unset=BALANCER_USER
          --unset=CHECK_INTER --unset=CHECK_FAST --unset=CHECK_FALL --unset=CHECK_RISE
          --unset=NODE_MAXCONN --unset=NODE_TIMEOUT
          ${SCRIPT} 10.0.0.1:8080 10.0.0.2:8080 10.0.0.3:8080
  OUTPUT_FILE ${OUT}
  RESULT_VARIABLE generated)
if(NOT generated EQUAL 0)
  message(FATAL_ERROR "${SCRIPT} failed (exit ${generated})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${EXPECTED} RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "${EXPECTED} differs from what ${SCRIPT} prints (${OUT}): regenerate it\n"
                      "  ${SCRIPT} 10.0.0.1:8080 10.0.0.2:8080 10.0.0.3:8080 >${EXPECTED}")
endif()
if(NOT EXISTS "${HAPROXY}")
  message(FATAL_ERROR "haproxy not found (${HAPROXY}): run scripts/install-deps.sh")
endif()
execute_process(COMMAND ${HAPROXY} -c -q -f ${OUT} RESULT_VARIABLE valid ERROR_VARIABLE why)
if(NOT valid EQUAL 0)
  message(FATAL_ERROR "haproxy -c refused ${OUT}:\n${why}")
endif()
