# Install rules: headers, libdidit and the emulator library, a CMake package (didit::didit,
# didit::emulator), didit.pc, the tools, and a Debian package through CPack.
include(CMakePackageConfigHelpers)

set(DIDIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/didit)

set(DIDIT_INSTALLED_TARGETS didit didit_emulator)
set(DIDIT_WITH_REDIS OFF)
if(TARGET didit_redis)
  list(APPEND DIDIT_INSTALLED_TARGETS didit_redis)
  set(DIDIT_WITH_REDIS ON)
endif()
install(TARGETS ${DIDIT_INSTALLED_TARGETS} EXPORT didit-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/didit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS didit-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT didit-targets NAMESPACE didit:: DESTINATION ${DIDIT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/didit-config.cmake.in
                              ${PROJECT_BINARY_DIR}/didit-config.cmake
                              INSTALL_DESTINATION ${DIDIT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/didit-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/didit-config.cmake ${PROJECT_BINARY_DIR}/didit-config-version.cmake
        DESTINATION ${DIDIT_CMAKE_DIR})

# pkg-config: the dependencies' flags are spelled out, as Boost ships no .pc files.
# The prefix is found relative to the .pc file, so an install tree may move (cmake --install
# --prefix, a .deb).
file(RELATIVE_PATH DIDIT_PC_TO_PREFIX /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
configure_file(${CMAKE_CURRENT_LIST_DIR}/didit.pc.in ${PROJECT_BINARY_DIR}/didit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/didit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(DIDIT_WITH_REDIS)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/didit-redis.pc.in ${PROJECT_BINARY_DIR}/didit-redis.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/didit-redis.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()

# cpack -G DEB: one development package with the libraries, headers and tools.
if(NOT PROJECT_IS_TOP_LEVEL)
  return() # a parent project packages itself
endif()
set(CPACK_PACKAGE_NAME libdidit-dev)
set(CPACK_PACKAGE_VENDOR "didit-cpp")
set(CPACK_PACKAGE_CONTACT "didit-cpp maintainers <maintainers@didit-cpp.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C++20 coroutine client for the Didit identity-verification API")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev (>= 3.0)")
if(DIDIT_WITH_REDIS)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libhiredis-dev, pkg-config")
endif()
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
