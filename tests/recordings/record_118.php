<?php
// Run by record_118.py inside the osTicket 1.18.1 peer kit, on the project's own install + demo data:
//   bin/ostphp record_118.php OP [ARGS...]; prints one JSON line {"ok", "errors", ...}.
//   assign NUMBER USERNAME NOTE:        ostadmin assigns the ticket to the agent with a note (the staff panel's
//                                       Assign dialog: Ticket::assign with an AssignmentForm).
//   set_status NUMBER STATUS_ID [USERNAME [COMMENT]]: the status changed by the system (no agent: cron, a
//                                       user's portal close) or by the agent in the staff panel, with its comment.
//   reply NUMBER USERNAME STATUS_ID RESPONSE: the agent's reply to the user with a new status (scp a=reply).
//   note NUMBER USERNAME TITLE BODY:    the agent's internal note (scp a=postnote).
//   create_topic:                       an admin adds "Payment Failed" under topic 12 (scp/helptopics.php
//                                       a=create: Topic::create + Topic::update with the admin form's fields).
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
$op = $argv[1];
$GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(array('username' => 'ostadmin'));
$errors = array();
$out = array();

function as_agent($username) {
    global $thisstaff;
    $GLOBALS['thisstaff'] = $thisstaff = $username ? Staff::lookup(array('username' => $username)) : null;
    return $thisstaff;
}

if ($op == 'assign') {
    $ticket = Ticket::lookupByNumber($argv[2]);
    $agent = Staff::lookup(array('username' => $argv[3]));
    $form = AssignmentForm::instantiate(array('assignee' => 's' . $agent->getId(), 'comments' => $argv[4]));
    $form->setAssignees(array('s' . $agent->getId() => $agent->getName()));
    $out = array('assigned' => $ticket->assign($form, $errors));
} elseif ($op == 'set_status') {
    $ticket = Ticket::lookupByNumber($argv[2]);
    as_agent(isset($argv[4]) ? $argv[4] : '');
    $ok = $ticket->setStatus((int) $argv[3], isset($argv[5]) ? $argv[5] : '', $errors);
    $out = array('status_id' => $ok ? (int) $argv[3] : null);
} elseif ($op == 'reply') {
    $ticket = Ticket::lookupByNumber($argv[2]);
    as_agent($argv[3]);
    $vars = array('response' => $argv[5], 'reply-to' => 'all', 'reply_status_id' => (int) $argv[4],
        'signature' => 'none');
    $entry = $ticket->postReply($vars, $errors, true);
    $out = array('entry_id' => $entry ? $entry->getId() : null);
} elseif ($op == 'note') {
    $ticket = Ticket::lookupByNumber($argv[2]);
    $agent = as_agent($argv[3]);
    $entry = $ticket->postNote(array('title' => $argv[4], 'note' => $argv[5]), $errors, $agent);
    $out = array('entry_id' => $entry ? $entry->getId() : null);
} elseif ($op == 'create_topic') {
    $vars = array('a' => 'create', 'topic' => 'Payment Failed', 'topic_pid' => 12, 'status' => 'active',
        'ispublic' => 1, 'dept_id' => 4, 'priority_id' => 3, 'sla_id' => 1, 'page_id' => 0, 'status_id' => 0,
        'assign' => 's2', 'custom-numbers' => 0, 'number_format' => '', 'sequence_id' => 0,
        'notes' => '<p>Card declined / failed payments</p>', 'forms' => array(2), 'fields' => array(20, 21, 22));
    $topic = Topic::create();
    $ok = $topic->update($vars, $errors);
    $out = array('topic_id' => $ok ? $topic->getId() : null, 'full_name' => $ok ? $topic->getFullName() : null,
        'vars' => $vars);
} else {
    $errors['op'] = "unknown operation $op";
}
echo json_encode(array('ok' => !$errors, 'errors' => $errors) + $out), "\n";
