<?php
// Run by record_110.py inside the osTicket 1.10.4 peer kit (create_user by record_118.py in the 1.18.1 kit too):
//   bin/ostphp record_110.php OP
//   create_user:  an admin adds Frank (the 1.18 golden create_user's values) in the staff panel's
//                 "Add User" dialog and registers his portal account (User::fromForm, User::register).
//   add_collaborator, staff_reply_collab NUMBER: Dave Cc'd on the ticket; alice's reply mailing the collaborators.
//   set_status NUMBER STATUS_ID: alice closes or reopens the ticket in the staff panel.
//   create_topic: an admin adds "Payment Failed" under "Billing Questions" (scp/helptopics.php
//                 do=create: Topic::create + Topic::update with the 1.10.4 admin form's fields).
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
$op = $argv[1];
$GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(array('username' => 'ostadmin'));
$errors = array();
$out = array();
if ($op == 'create_user') {
    // The phone widget posts the number and the extension apart; they reach the field as "digitsXext".
    $vars = array('email' => 'frank.fresh@example.com', 'name' => 'Frank Fresh',
        'phone' => '5550102233X42', 'notes' => 'VIP customer; prefers email.');
    $form = UserForm::getUserForm()->getForm($vars);
    $user = User::fromForm($form);
    if ($user) {
        $account = $user->register(array('passwd1' => 'Fresh#Pass-2026', 'passwd2' => 'Fresh#Pass-2026',
            'timezone' => 'Europe/Berlin', 'username' => 'frank', 'backend' => ''), $errors);
        $out = array('user_id' => $user->getId(), 'account_id' => $account ? $account->getId() : null);
    } else {
        $errors['form'] = $form->errors();
    }
} elseif ($op == 'add_collaborator') {
    // Dave Cc'd on carol's ticket from the staff panel (the ticket's Collaborators dialog).
    $ticket = Ticket::lookupByNumber($argv[2]);
    $c = $ticket->addCollaborator(User::lookupByEmail('dave.newuser@example.com'), array(), $errors);
    $out = array('collaborator_id' => $c ? $c->getId() : null);
} elseif ($op == 'set_status') {
    // alice changes the status from the staff panel (Ticket::setStatus with her as $thisstaff), no comment.
    $ticket = Ticket::lookupByNumber($argv[2]);
    $GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(array('username' => 'alice'));
    $ok = $ticket->setStatus((int) $argv[3], '', $errors);
    $out = array('status_id' => $ok ? (int) $argv[3] : null);
} elseif ($op == 'staff_reply_collab') {
    // alice replies from the staff panel with "Reply to: user" and "email collaborators" checked.
    $ticket = Ticket::lookupByNumber($argv[2]);
    $GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(array('username' => 'alice'));
    $vars = array('response' => '<p>Dave is copied on this one.</p>', 'emailreply' => 1, 'emailcollab' => 1,
        'signature' => 'none');
    $entry = $ticket->postReply($vars, $errors, true);
    $out = array('entry_id' => $entry ? $entry->getId() : null);
} else {
    $parent = Topic::lookup(array('topic' => 'Billing Questions'));
    $vars = array('a' => 'create', 'topic' => 'Payment Failed', 'topic_pid' => $parent->getId(),
        'isactive' => 1, 'ispublic' => 1, 'dept_id' => 4, 'priority_id' => 3, 'sla_id' => 1,
        'page_id' => 0, 'status_id' => 0, 'assign' => 's2', 'custom-numbers' => 0, 'number_format' => '',
        'sequence_id' => 0, 'notes' => '<p>Card declined / failed payments</p>', 'forms' => array(2),
        'fields' => array(20, 21, 22));
    $topic = Topic::create();
    $ok = $topic->update($vars, $errors);
    $out = array('topic_id' => $ok ? $topic->getId() : null, 'vars' => $vars);
}
echo json_encode(array('ok' => !$errors, 'errors' => $errors) + $out), "\n";
