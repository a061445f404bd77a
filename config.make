# nginx addon make rules for ngx_http_privacy_module: configure (auto/make)
# reads this file, after config, while it writes objs/Makefile.
#
# The banner's stylesheet and script (PRIVACY_ASSETS, listed in config) are
# files a designer edits.  tools/embed-assets.sh turns them into
# objs/ngx_http_privacy_assets_data.h, which ngx_http_privacy_assets.c includes;
# make writes the header again, and compiles that one file again, whenever
# an asset or the script is newer than the header: editing an asset needs
# make, not configure.

privacy_assets_h=$NGX_OBJS/ngx_http_privacy_assets_data.h

# the object's path as auto/make names it: addon/<the source's directory>/
privacy_assets_o=$NGX_OBJS/addon/ngx_privacy_module
privacy_assets_o=$privacy_assets_o/ngx_http_privacy_assets.$ngx_objext

cat << END                                                    >> $NGX_MAKEFILE

$privacy_assets_o:	$privacy_assets_h

$privacy_assets_h:	$PRIVACY_ASSETS \\
		$ngx_addon_dir/tools/embed-assets.sh
	sh $ngx_addon_dir/tools/embed-assets.sh $privacy_assets_h \\
		$PRIVACY_ASSETS

END
