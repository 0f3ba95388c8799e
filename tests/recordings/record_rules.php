<?php
// Run by record_rules.py inside a peer kit (1.18.1 or 1.10.4): bin/ostphp record_rules.php PEOPLE_JSON
// Adds each person as the staff panel's "Add User" does (User::fromVars), puts them in their organization
// (User::setOrganization) and marks primary contacts (User::setPrimaryContact), as the organization's
// "Add User" dialog and the user's "Manage" form do.
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
$GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(array('username' => 'ostadmin'));
$out = array();
foreach (json_decode($argv[1], true) as $p) {
    $user = User::fromVars(array('name' => $p['name'], 'email' => $p['email']));
    $user->setOrganization(Organization::lookup($p['org']), false);
    $user->setPrimaryContact($p['primary']);
    $user->save();
    $out[] = $user->getId();
}
echo json_encode(array('ok' => true, 'user_ids' => $out)), "\n";
