# area_c.awk - turn area table lines (COMPONENT<TAB>PARAMETERS<TAB>UM2<TAB>HOW,
# '#' comments) into sim/area_table.c, stasim's built-in component table
# (`make area-table`, rtl/synth/area_table.sh). The comment lines become
# the file's header comment.
BEGIN { FS = "\t"; n = 0 }
/^#/ { sub(/^# ?/, ""); head[++nh] = $0; next }
NF >= 3 { comp[++n] = $1; key[n] = $2; um2[n] = $3; how[n] = $4 }
END {
	print "/*"
	for (i = 1; i <= nh; i++)
		print (head[i] == "" ? " *" : " * " head[i])
	print " */"
	print "#include \"area.h\""
	print ""
	print "const struct area_entry area_table[] = {"
	for (i = 1; i <= n; i++) {
		gsub(/"/, "", how[i])
		printf "\t{ \"%s\", \"%s\", %s,\n\t  \"%s\" },\n", comp[i], key[i], um2[i], how[i]
	}
	print "\t{ 0, 0, 0, 0 }"
	print "};"
}
